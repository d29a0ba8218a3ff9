check H100 --regime current --to IN --date 2025-05-12
