roofline H100 --model llama-3.1-8b --weights fp8 --act int8
