chips query "SELECT x'ff00' AS b, CAST(x'ff' AS TEXT) AS t, 'ok' AS s" --format json
