sweep us-2023-10 --param tpp_a=2000..6000/1000 --robust --format json --date 2026-06-01
