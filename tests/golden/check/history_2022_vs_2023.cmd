check H20 H100 A800 H800 --regime us-2022-10 --regime us-2023-10 --to CN --date 2024-06-01
