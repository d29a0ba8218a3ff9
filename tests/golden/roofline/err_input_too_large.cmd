roofline H100 --model llama-3.1-8b --batch 1 --input 9223372036854775807
