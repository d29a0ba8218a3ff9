lint tests/bad_rules/param_override_unit.rules
