chips lint tests/bad_chips/hbm_stacks_out_of_range.toml
