lint tests/bad_rules/missing_extends.rules
