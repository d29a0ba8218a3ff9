check RTX-4090 L20 --regime us-2023-10 --to RU --date 2024-06-01 --explain
