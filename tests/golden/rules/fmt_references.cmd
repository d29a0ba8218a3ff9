fmt tests/data/unformatted_references.rules
