sweep us-2023-10 --param tpp_a=0..10000/1 --robust
