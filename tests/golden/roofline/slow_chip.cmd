roofline --spec tests/data/test-slow.toml --model llama-3.1-8b --batch 1
