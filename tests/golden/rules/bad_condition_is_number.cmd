lint tests/bad_rules/condition_is_number.rules
