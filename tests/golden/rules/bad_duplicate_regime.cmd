lint tests/bad_rules/duplicate_regime.rules
