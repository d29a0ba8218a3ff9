lint tests/bad_rules/missing_status.rules
