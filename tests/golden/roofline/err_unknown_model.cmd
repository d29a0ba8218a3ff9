roofline H100 --model gpt-5
