check H100 --regime current --to IN --date 2025-03-01 --format json
