fmt tests/bad_rules/syntax_missing_when.rules
