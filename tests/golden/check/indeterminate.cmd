check mi308x 910d --regime us-2024-12 --to CN --date 2025-06-01
