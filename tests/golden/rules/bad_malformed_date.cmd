lint tests/bad_rules/malformed_date.rules
