roofline H100 --model llama-3.1-8b --input 99999999999999999999 --output 1.5 --tp x
