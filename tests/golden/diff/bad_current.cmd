diff current us-2023-10 --to CN
