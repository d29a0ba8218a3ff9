check H100 --regime us-2023-10 --to CA --hq CN --date 2024-06-01
