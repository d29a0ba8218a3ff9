report --spec tests/data/xss-test.toml --regime us-2023-10 --date 2025-06-30 -o -
