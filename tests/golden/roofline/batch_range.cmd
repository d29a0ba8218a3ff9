roofline H200 --model llama-3.1-8b --batch 1..256 --input 2048 --output 512
