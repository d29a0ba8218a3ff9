lint tests/data/formatted_references.rules
