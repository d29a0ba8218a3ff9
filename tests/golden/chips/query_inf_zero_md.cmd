chips query 'SELECT 1e308*10 AS big, -1e308*10 AS small, -0.0 AS zero, 1.5 AS x' --format md
