test tests/bad_cases/ranges.cases.toml
