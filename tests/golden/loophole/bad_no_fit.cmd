loophole us-2023-10 --year 2024 --date 2024-06-01 --model llama-3.1-70b --batch 1000
