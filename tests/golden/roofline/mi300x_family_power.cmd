roofline MI300X --model llama-2-70b --weights fp8 --kv fp8 --batch 1024 --input 300 --output 293
