roofline --spec examples/acme-x1.toml --model llama-3.1-8b
