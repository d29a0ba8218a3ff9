diff us-2022-10 us-2023-10 --to CN --date 2024-06-01
