chips lint tests/bad_chips/no_specs
