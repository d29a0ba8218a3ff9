plot roofline H100,H20,MI300X --model llama-3.1-8b --batch 16 -o -
