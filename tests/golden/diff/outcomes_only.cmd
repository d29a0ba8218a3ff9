diff us-2022-10 us-2023-10 A800 --to CN --date 2024-06-01 --outcomes-only
