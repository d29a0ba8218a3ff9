roofline H200 --model deepseek-v3 --tp 8 --ep 8 --dp-attention --weights fp8 --kv fp8 --batch 256 --input 1000 --output 1000
