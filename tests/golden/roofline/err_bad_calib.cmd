roofline H100 --model llama-3.1-8b --calib memory_efficiency=2 --calib overlap
