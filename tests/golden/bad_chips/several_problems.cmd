chips lint tests/bad_chips/several_problems.toml
