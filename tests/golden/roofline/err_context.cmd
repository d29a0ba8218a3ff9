roofline H100 --model llama-2-7b --input 4000 --output 200
