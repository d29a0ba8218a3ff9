diff us-2024-12 us-2025-04-h20 --to CN --date 2025-06-30
