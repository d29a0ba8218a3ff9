sweep us-2023-10 --param tpp_a=2000..6000/1000 --robust --specs tests/data/catalogue.csv
