loophole us-2023-10 --model nope --year 2024
