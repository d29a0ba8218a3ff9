fmt --check tests/data/formatted_references.rules
