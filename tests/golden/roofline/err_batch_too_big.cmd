roofline H200 --model llama-3.1-70b --batch 64
