loophole us-2023-10 --year 2023 --date 2024-06-01 --datacenter yes
