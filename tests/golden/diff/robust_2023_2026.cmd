diff us-2023-10 us-2026-01 inferentia2 trainium2 H100 --robust --outcomes-only --to CN --date 2026-06-01
