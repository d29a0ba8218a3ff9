envelope show --year 2031
