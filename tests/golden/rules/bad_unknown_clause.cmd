lint tests/bad_rules/unknown_clause.rules
