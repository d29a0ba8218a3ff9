loophole us-2023-10 --year 2031 --date 2024-06-01
