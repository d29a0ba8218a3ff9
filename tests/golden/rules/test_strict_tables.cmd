test tests/bad_cases/strict.cases.toml
