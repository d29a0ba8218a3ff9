sweep us-2025-04-h20 --param dram_cap=1000GB/s..4TB/s/100GB/s --specs tests/data/catalogue.csv --to CN --date 2025-06-30
