lint tests/bad_rules/param_without_unit.rules
