diff us-2022-10 us-2023-10 --to XX
