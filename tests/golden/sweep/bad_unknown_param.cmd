sweep us-2025-04-h20 --param dram=1000GB/s..4TB/s --to CN
