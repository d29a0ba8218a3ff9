#!/usr/bin/env python3
"""us-2023-10 (3A090.a, .b and Note 2) over a CSV catalogue, as an analyst would write it:
csv.DictReader, float(), a Counter. Missing values are unknown and the logic is Kleene's
(yes, no, None), as exctl decides. Writes `id,verdict` per chip to OUT and prints the
decisions per second of the loop alone and of the whole script.

    decide.py CATALOGUE.csv OUT.csv
"""
import csv
import sys
import time
from collections import Counter

T0 = time.perf_counter()


def AND(*xs):
    if any(x is False for x in xs):
        return False
    return True if all(x is True for x in xs) else None


def OR(*xs):
    if any(x is True for x in xs):
        return True
    return False if all(x is False for x in xs) else None


def NOT(x):
    return None if x is None else not x


def ge(v, t):
    return None if v is None else v >= t


def lt(v, t):
    return None if v is None else v < t


def verdict(tpp, pd, dc):
    a = OR(ge(tpp, 4800), AND(ge(tpp, 1600), ge(pd, 5.92)))
    b = AND(NOT(a), OR(AND(ge(tpp, 2400), lt(tpp, 4800), ge(pd, 1.6), lt(pd, 5.92)),
                       AND(ge(tpp, 1600), ge(pd, 3.2), lt(pd, 5.92))))
    control = OR(a, b)
    if control is False:
        return "not_controlled"
    if control is None:
        return "indeterminate"
    note2 = AND(NOT(dc), lt(tpp, 4800))
    return "excluded" if note2 is True else "controlled" if note2 is False else "indeterminate"


def num(s):
    return float(s) if s != "" else None


def boolean(s):
    return None if s == "" else s == "true"


rows = []
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        rows.append((r["id"], num(r["tpp"]), num(r["performance_density"]), boolean(r["datacenter"])))
t1 = time.perf_counter()
verdicts = [verdict(t, p, d) for _, t, p, d in rows]
t2 = time.perf_counter()
counts = Counter(verdicts)
with open(sys.argv[2], "w") as out:
    out.writelines(f"{cid},{v}\n" for (cid, _, _, _), v in zip(rows, verdicts))
t3 = time.perf_counter()
print(f"in_memory_per_s={len(rows) / (t2 - t1):.0f} total_s={t3 - T0:.3f} {dict(counts)}")
