check H100 --regime current --date 1900-01-01
