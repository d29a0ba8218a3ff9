roofline L40S --model llama-3.1-8b --tp 2
