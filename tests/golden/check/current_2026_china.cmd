check H100 H20 B200 --regime current --to CN --date 2026-06-01
