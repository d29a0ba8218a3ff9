roofline H100 --model llama-3.1-8b --batch 8 --calib decode_overlap=0.5 --calib memory_efficiency=0.9
