draft --catch H20 --spare L20 --date 2025-06-30 --metric tpp --spare tests/data/catalogue.csv
