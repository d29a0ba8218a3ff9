lint tests/bad_rules/nested_too_deep.rules
