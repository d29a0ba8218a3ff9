roofline H20 --model examples/qwen3-32b.toml --batch 1,8,64
