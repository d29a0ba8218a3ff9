lint tests/bad_rules/does-not-exist.rules
