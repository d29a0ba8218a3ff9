plot sweep us-2025-04-h20 --param dram_cap=1000GB/s..4TB/s/250GB/s --to CN --date 2025-06-30 -o -
