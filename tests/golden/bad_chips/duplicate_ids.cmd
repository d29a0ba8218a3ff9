chips lint tests/bad_chips/duplicate_ids
