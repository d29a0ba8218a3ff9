sweep us-2023-10 --param tpp_a=2000..6000/1000 --date 2025-06-30 --breakpoints --format csv
