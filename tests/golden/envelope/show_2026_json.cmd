envelope show --year 2026 --format json
