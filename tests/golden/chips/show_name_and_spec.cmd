chips show H20 --spec examples/acme-x1.toml
