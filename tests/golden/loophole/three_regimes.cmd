loophole us-2023-10,us-2025-04-h20,us-2026-01 --to CN --goal not-denied --year 2025 --date 2026-06-01 --datacenter yes
