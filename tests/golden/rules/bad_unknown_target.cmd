lint tests/bad_rules/unknown_target.rules
