check H100 --regime us-2023-10 --date ""
