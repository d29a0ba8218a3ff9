check H100 --regime us-2024-12 --to KH --date 2025-11-07
