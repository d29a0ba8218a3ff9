regimes show us-2025-01-foundry
