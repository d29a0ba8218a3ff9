diff us-2024-12 us-2025-04-h20 H20 --rules-only
