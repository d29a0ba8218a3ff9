lint tests/data/override_errors.rules
