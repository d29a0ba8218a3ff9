plot tpp-pd --spec tests/data/xss-test.toml --date 2025-06-30 -o -
