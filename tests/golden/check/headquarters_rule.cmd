check H100 --regime us-2023-10 --to US --hq CN --date 2024-06-01
