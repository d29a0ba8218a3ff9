check --specs tests/data/catalogue.jsonl --regime us-2023-10 --date 2024-06-01 --explain
