roofline H100 --model llama-3.1-8b --weights fp12 --kv e4m3
