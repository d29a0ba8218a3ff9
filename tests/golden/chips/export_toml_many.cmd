chips export --format toml H100 H20
