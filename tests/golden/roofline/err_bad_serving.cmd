roofline H200 --model llama-3.1-8b --serving dynamic
