check rtx-4090 rtx-4090d --regime us-2023-10 --to CN --date 2024-06-01 --explain
