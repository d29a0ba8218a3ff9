lint tests/bad_rules/unknown_group.rules
