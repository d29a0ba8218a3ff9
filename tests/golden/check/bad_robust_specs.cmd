check H20 --robust --specs tests/data/catalogue.csv
