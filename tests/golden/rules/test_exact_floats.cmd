test tests/data/exact_floats.cases.toml
