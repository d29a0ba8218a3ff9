plot bandwidth --regime us-2026-01-h20 --date 2026-02-01 -o -
