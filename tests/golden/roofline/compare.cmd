roofline H100 --compare H20,H800,910C --model llama-3.1-8b --batch 32
