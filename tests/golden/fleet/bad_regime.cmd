fleet examples/fleet-china-2024.toml --regime us-2099 --date 2025-06-30
