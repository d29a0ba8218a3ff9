chips query 'UPDATE chips SET year = 1999'
