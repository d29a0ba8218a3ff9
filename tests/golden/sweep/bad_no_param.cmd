sweep us-2025-04-h20 --to CN
