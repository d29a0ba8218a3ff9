roofline --spec tests/data/test-huge.toml --model llama-3.1-405b --tp 8 --batch 1,1000000 --format csv
