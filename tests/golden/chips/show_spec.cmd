chips show --spec examples/acme-x1.toml
