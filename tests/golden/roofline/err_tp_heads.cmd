roofline H100 --model llama-3.1-8b --tp 3
