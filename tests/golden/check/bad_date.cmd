check H20 --date 2025-02-30
