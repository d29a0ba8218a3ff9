lint tests/bad_rules/unknown_status.rules
