roofline --spec tests/data/test-huge.toml --model llama-3.1-8b --batch max
