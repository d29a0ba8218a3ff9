sweep us-2025-04-h20 --param dram_cap=1TB/s..4TB/s/1TB/s --param io_cap=500GB/s..1500GB/s/500GB/s --to CN --date 2025-06-30 --format csv
