lint tests/bad_rules/unit_missing_literal.rules
