roofline H200 --model deepseek-v3 --tp 8 --ep 16 --weights fp8 --kv fp8
