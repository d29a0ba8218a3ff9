envelope show --year 2024
