fmt --write tests/bad_rules
