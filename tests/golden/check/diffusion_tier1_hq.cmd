check H100 --regime us-2025-01-diffusion --to DE --hq DE --date 2025-03-01
