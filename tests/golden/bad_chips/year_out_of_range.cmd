chips lint tests/bad_chips/year_out_of_range.toml
