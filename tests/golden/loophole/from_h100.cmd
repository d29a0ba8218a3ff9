loophole us-2023-10 --from H100 --date 2024-06-01
