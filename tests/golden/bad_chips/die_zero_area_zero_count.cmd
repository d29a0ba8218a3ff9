chips lint tests/bad_chips/die_zero_area_zero_count.toml
