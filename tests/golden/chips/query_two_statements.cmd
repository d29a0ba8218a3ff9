chips query 'SELECT 1; DELETE FROM chips'
