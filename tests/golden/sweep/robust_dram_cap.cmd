sweep us-2025-04-h20 --param dram_cap=1000GB/s..5TB/s/500GB/s --to CN --robust --date 2026-06-01
