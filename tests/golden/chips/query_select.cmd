chips query 'SELECT c.id, m.tpp, m.tpp_basis FROM chips c JOIN chip_metrics m ON m.chip_id = c.id WHERE m.tpp >= 30000 ORDER BY m.tpp DESC'
