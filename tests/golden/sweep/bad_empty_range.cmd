sweep us-2025-04-h20 --param dram_cap=4TB/s..1TB/s --to CN
