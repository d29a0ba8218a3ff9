test tests/bad_cases/overflow.cases.toml
