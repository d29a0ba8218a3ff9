sweep us-2025-04-h20 --param dram_cap=1000..4000 --to CN
