check rtx-4090 --regime us-2023-10 --to DE --hq CN --date 2024-06-01 --explain
