check H20 --regime us-2077
