lint tests/bad_rules/circular_extends.rules
