roofline mlu590 --model llama-3.1-8b
