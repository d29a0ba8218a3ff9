roofline 4090 --model llama-2-13b --weights int4 --batch 4
