plot roofline H100 --model llama-3.1-8b --batch 1,8 -o -
