chips lint tests/bad_chips/alias_clash
