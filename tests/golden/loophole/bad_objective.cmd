loophole us-2023-10 --objective fast --year 2024
