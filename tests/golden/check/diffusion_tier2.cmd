check H100 --regime us-2025-01-diffusion --to IN --hq IN --date 2025-03-01
