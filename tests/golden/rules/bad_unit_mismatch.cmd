lint tests/bad_rules/unit_mismatch.rules
