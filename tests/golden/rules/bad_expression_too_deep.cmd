lint tests/bad_rules/expression_too_deep.rules
