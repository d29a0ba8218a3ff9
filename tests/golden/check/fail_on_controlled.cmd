check H100 --regime us-2023-10 --fail-on controlled --date 2024-06-01
