roofline H100 --model llama-3.1-8b --calib amd-cdna3.speed=0.5
