sweep us-2099 --param x=1..2
