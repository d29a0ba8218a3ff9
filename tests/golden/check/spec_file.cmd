check --spec examples/acme-x1.toml --regime us-2025-04-h20 --regime gain-ai-act --regime safe-chips-act --to CN --date 2026-01-01
