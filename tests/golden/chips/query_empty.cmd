chips query ''
