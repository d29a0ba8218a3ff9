chips import examples/acme-x1.toml
