check H100 --regime us-2023-10 --regime us-2025-01-diffusion --to US --hq CN --date 2025-03-01 --format json
