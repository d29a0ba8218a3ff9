lint tests/bad_rules/duplicate_clause.rules
