regimes show us-2099
