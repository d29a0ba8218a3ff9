check H100 --regime us-2023-10 --to BR --date 2024-06-01
