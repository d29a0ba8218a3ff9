check --specs tests/data --regime us-2023-10
