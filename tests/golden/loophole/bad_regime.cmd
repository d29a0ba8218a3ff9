loophole us-2099 --year 2024
