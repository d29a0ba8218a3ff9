lint tests/bad_rules/and_of_numbers.rules
