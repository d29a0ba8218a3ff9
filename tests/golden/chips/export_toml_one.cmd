chips export --format toml H100
