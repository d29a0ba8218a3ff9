check rtx-5090d --robust --regime us-2023-10 --to CN --date 2026-06-01
