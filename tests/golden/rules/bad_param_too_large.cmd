lint tests/bad_rules/param_too_large.rules
