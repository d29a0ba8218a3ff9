test tests/bad_cases/unknown_regime.cases.toml tests/bad_cases/syntax.cases.toml
