regimes list
