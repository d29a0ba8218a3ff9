chips query $'SELECT 1 AS one ; -- done\n ;'
