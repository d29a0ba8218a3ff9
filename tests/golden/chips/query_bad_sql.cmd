chips query 'SELEC 1'
