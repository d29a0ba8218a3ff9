sweep us-2023-10 --param tpp_a=1000..10000/1000 --date 2025-06-30
