chips frobnicate
