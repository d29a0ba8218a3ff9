draft --catch H20 --spare L20 --metric 'memory_bandwidth # the DRAM' --date 2025-06-30
