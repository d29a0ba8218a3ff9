roofline 910C --model llama-3.1-8b --weights fp8
