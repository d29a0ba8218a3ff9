sweep us-2023-10 --param tpp_a=4000..5000/500 --date 2025-06-30 --format json H20 RTX-4090D
