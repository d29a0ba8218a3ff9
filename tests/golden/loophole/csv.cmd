loophole us-2022-10,us-2023-10 --year 2022 --date 2024-06-01 --datacenter yes --format csv
