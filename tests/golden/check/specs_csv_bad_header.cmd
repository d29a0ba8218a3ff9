check --specs tests/data/catalogue_bad_header.csv --regime us-2023-10 --date 2024-06-01
