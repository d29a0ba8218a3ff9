draft --catch H20 --spare L20 --date 2025-06-30 --metric 'memory_bandwidth + tpp'
