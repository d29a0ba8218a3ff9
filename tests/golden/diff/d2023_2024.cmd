diff us-2023-10 us-2024-12 --to CN --date 2025-01-15
