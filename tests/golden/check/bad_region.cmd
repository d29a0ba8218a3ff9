check L2 --to UA-99
