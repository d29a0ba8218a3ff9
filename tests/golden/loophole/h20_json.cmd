loophole us-2025-04-h20 --to CN --goal no-licence --year 2024 --date 2025-06-30 --format json
