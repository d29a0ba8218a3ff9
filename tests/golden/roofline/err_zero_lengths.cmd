roofline H100 --model llama-3.1-8b --input 0 --output -3
