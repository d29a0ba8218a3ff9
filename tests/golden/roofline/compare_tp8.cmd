roofline H100 --compare H20,H800,910C --model llama-3.1-70b --tp 8 --batch 1,64 --input 2048 --output 512
