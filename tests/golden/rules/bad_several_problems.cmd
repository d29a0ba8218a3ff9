lint tests/bad_rules/several_problems.rules
