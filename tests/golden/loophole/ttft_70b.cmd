loophole us-2023-10 --year 2024 --date 2024-06-01 --objective ttft --model llama-3.1-70b --tp 2 --datacenter yes
