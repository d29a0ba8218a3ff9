test tests/bad_cases/regime_not_string.cases.toml
