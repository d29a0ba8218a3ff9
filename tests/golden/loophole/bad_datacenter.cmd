loophole us-2023-10 --year 2024 --datacenter maybe
