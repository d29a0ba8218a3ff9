chips lint tests/bad_chips/alias_clash/acme-x1.toml tests/bad_chips/alias_clash/acme-x1-nvl.toml
