report H20 H100 --regime us-2023-10 --regime us-2025-04-h20 --to CN --date 2025-06-30 -o -
