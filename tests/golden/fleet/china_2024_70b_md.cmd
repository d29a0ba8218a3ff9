fleet examples/fleet-china-2024.toml --date 2025-06-30 --format md --model llama-3.1-70b
