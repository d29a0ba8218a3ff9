diff us-2023-10 us-2024-12 H20 --date 2024-06-01 --outcomes-only --exit-code
