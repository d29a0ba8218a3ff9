roofline H100 --model llama-3.1-405b --tp 128
