draft --catch H20 --spare L20 --date 2025-06-30 --to XX
