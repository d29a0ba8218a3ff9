lint tests/bad_rules/unknown_metric.rules
