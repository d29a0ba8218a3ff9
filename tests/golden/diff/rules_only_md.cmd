diff us-2023-10 us-2024-12 --rules-only --format md
