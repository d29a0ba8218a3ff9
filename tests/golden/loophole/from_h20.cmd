loophole us-2025-04-h20 --from H20 --to CN --goal no-licence --date 2025-06-30
