diff us-2024-12 us-2024-12 --to CN --date 2025-06-30 --exit-code
