draft --catch H20 --date 2025-06-30
