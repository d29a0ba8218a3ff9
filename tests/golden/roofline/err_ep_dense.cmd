roofline H200 --model llama-3.1-70b --tp 8 --ep 8 --weights fp8
