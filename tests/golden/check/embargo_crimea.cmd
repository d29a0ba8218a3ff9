check L2 --to UA-43 --regime current --date 2025-06-01
