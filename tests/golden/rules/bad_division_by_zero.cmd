lint tests/bad_rules/division_by_zero.rules
