loophole us-2023-10 --from NoSuchChip --date 2024-06-01
