roofline H200 --model deepseek-v3 --tp 8 --weights fp8 --kv fp8 --batch 64 --input 4096 --output 1024
