lint tests/bad_rules
