roofline H100 --model llama-3.1-8b --batch 0,8,x,64..8
