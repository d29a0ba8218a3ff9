#!/usr/bin/env python3
"""The shared catalogue for the peer runs: N chips (seeded), values on and around every
threshold of us-2023-10 (TPP 4,800 and 1,600; performance density 5.92 and 1.6), a few
percent of each value missing.

    gen_catalogue.py N OUT.csv [--jsonl OUT.jsonl] [--seed S]
"""
import argparse
import json
import random

TPP_CUTS = [1600, 2400, 4800]
PD_CUTS = [1.6, 3.2, 5.92]
MISSING = 0.03


def near(rng, cuts, top):
    # A third on a threshold exactly or one step either side, the rest spread over the range.
    r = rng.random()
    if r < 0.33:
        c = rng.choice(cuts)
        return rng.choice([c, c - 1 if c >= 100 else round(c - 0.01, 2), c + 1 if c >= 100 else round(c + 0.01, 2)])
    return round(rng.uniform(0, top), 2 if top < 100 else 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--jsonl")
    ap.add_argument("--seed", type=int, default=2023)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    jl = open(a.jsonl, "w") if a.jsonl else None
    with open(a.out, "w") as out:
        out.write("id,tpp,performance_density,datacenter\n")
        for i in range(a.n):
            tpp = None if rng.random() < MISSING else near(rng, TPP_CUTS, 8000)
            pd = None if rng.random() < MISSING else near(rng, PD_CUTS, 12)
            dc = None if rng.random() < MISSING else rng.random() < 0.7
            cid = f"c{i}"

            def cell(v):
                if v is None:
                    return ""
                if isinstance(v, bool):
                    return "true" if v else "false"
                return f"{v:g}" if isinstance(v, float) else str(v)

            out.write(f"{cid},{cell(tpp)},{cell(pd)},{cell(dc)}\n")
            if jl:
                rec = {"id": cid, "tpp": tpp, "performance_density": pd, "datacenter": dc}
                jl.write(json.dumps(rec) + "\n")
    if jl:
        jl.close()


if __name__ == "__main__":
    main()
