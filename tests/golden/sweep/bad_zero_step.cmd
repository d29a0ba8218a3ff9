sweep us-2025-04-h20 --param dram_cap=1TB/s..4TB/s/0GB/s --to CN
