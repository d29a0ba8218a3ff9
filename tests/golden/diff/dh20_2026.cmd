diff us-2025-04-h20 us-2026-01-h20 --to CN --date 2026-02-01
