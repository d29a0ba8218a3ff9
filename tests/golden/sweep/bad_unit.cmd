sweep us-2025-04-h20 --param dram_cap=1000mm2..4000mm2 --to CN
