loophole us-2025-04-h20 --to CN --goal no-licence --envelope tests/data/envelope/small.toml --date 2025-06-30 --objective interactive
