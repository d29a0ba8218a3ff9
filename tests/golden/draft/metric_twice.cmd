draft --catch H100,H20 --spare L20,A100 --metric tpp --metric tpp --date 2025-06-30
