sweep us-2025-04-h20 --param dram_cap=0GB/s..100000GB/s/1GB/s --param io_cap=0GB/s..100000GB/s/1GB/s --to CN --date 2025-06-30
