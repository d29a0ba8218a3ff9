roofline H100 --model llama-3.1-8b --weights fp8 --batch 256 --input 128 --output 2048 --serving continuous --format json
