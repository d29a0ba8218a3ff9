chips export --format toml BR100
