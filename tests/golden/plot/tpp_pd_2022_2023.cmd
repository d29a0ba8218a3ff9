plot tpp-pd H100 H20 A800 H800 L20 RTX-4090 --regime us-2022-10 --regime us-2023-10 --date 2024-06-01 --to CN -o -
