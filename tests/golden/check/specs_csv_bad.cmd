check --specs tests/data/catalogue_bad.csv --regime us-2023-10 --to CN --date 2024-06-01
