roofline H1000 --model llama-3.1-8b
