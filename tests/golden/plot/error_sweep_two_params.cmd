plot sweep us-2025-04-h20 --param dram_cap=1TB/s..4TB/s --param io_cap=1TB/s..2TB/s -o -
