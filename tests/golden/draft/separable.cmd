draft --catch H20,H800,A800 --spare L20,RTX-4090D,L2 --date 2025-06-30 --to CN
