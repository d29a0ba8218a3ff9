loophole us-2023-10,us-2024-12 --year 2024 --emit /dev/null
