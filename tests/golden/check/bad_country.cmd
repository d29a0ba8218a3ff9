check H20 --to China
