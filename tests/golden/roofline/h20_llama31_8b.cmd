roofline H20 --model llama-3.1-8b --batch 16
