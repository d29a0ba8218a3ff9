check H100 --regime current --to SA --date 2024-06-01
