lint tests/bad_rules/reference_cycle.rules
