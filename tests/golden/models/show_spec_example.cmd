models show --spec examples/qwen3-32b.toml
