draft --catch H20,RTX-4090 --spare H100,L20 --date 2025-06-30 --metric tpp --metric memory_bandwidth --metric interconnect_bandwidth
