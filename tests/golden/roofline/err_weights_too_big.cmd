roofline H100 --model llama-3.1-70b
