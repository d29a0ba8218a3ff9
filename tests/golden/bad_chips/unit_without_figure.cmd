chips lint tests/bad_chips/unit_without_figure.toml
