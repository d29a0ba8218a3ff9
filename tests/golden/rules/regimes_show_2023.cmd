regimes show us-2023-10
