check --specs tests/data/catalogue_invalid_utf8.csv --regime us-2023-10 --date 2024-06-01
