fleet examples/fleet-china-2024.toml --regime us-2023-10 --regime us-2025-04-h20 --to CN --date 2025-06-30 --format csv
