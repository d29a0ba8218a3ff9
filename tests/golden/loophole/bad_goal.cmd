loophole us-2023-10 --goal maybe --year 2024
