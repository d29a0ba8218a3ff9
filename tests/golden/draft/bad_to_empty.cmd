draft --catch H20 --spare L20 --metric memory_bandwidth --date 2025-06-30 --to ''
