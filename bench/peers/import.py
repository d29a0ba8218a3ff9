#!/usr/bin/env python3
"""The peer of `exctl chips import --empty DIR`: Python's tomllib and sqlite3 read every
spec file of DIR and write them into a new database in one transaction, with the checks a
careful script makes (the required keys, numbers that are numbers, unique ids and
aliases). Much less than exctl checks; what it measures is the floor a scripting language
gives the same job.

    import.py DIR OUT.db
"""
import json
import os
import sqlite3
import sys
import tomllib

REQUIRED = ("id", "vendor", "name", "year")


def store(db, name, cid, section, table):
    for key, value in table.items():
        if key == "die":
            for die in value:
                db.execute("INSERT INTO dies VALUES (?, ?, ?, ?, ?, ?)",
                           (cid, die.get("name"), die.get("role"), die.get("count"),
                            die.get("area_mm2"), die.get("process")))
        elif isinstance(value, dict):
            store(db, name, cid, f"{section}.{key}", value)
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                store(db, name, cid, f"{section}.{key}[{i}]", item)
        elif isinstance(value, (int, float, str, bool)):
            db.execute("INSERT INTO fields VALUES (?, ?, ?, ?)", (cid, section, key, value))
        elif isinstance(value, list) and all(isinstance(v, (int, float, str, bool)) for v in value):
            db.execute("INSERT INTO fields VALUES (?, ?, ?, ?)", (cid, section, key, json.dumps(value)))
        else:
            sys.exit(f"{name}: [{section}] {key} is not a value this importer stores")


def main():
    folder, out = sys.argv[1], sys.argv[2]
    if os.path.exists(out):
        os.remove(out)
    db = sqlite3.connect(out)
    db.executescript("""
        CREATE TABLE chips (id TEXT PRIMARY KEY, vendor TEXT, name TEXT, year INTEGER,
                            datacenter INTEGER, source TEXT);
        CREATE TABLE aliases (alias TEXT PRIMARY KEY, chip TEXT);
        CREATE TABLE fields (chip TEXT, section TEXT, key TEXT, value, PRIMARY KEY (chip, section, key))
            WITHOUT ROWID;
        CREATE TABLE dies (chip TEXT, name TEXT, role TEXT, count INTEGER, area_mm2 REAL, process TEXT);
    """)
    names = sorted(f for f in os.listdir(folder) if f.endswith(".toml"))
    with db:
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                spec = tomllib.load(f)
            for key in REQUIRED:
                if key not in spec:
                    sys.exit(f"{name}: no '{key}'")
            cid = spec["id"]
            db.execute("INSERT INTO chips VALUES (?, ?, ?, ?, ?, ?)",
                       (cid, spec["vendor"], spec["name"], int(spec["year"]),
                        int(bool(spec.get("datacenter", False))), spec.get("source")))
            for alias in spec.get("aliases", []):
                db.execute("INSERT INTO aliases VALUES (?, ?)", (alias, cid))
            for section, table in spec.items():
                if isinstance(table, dict):
                    store(db, name, cid, section, table)
    db.close()
    print(f"{len(names)} chips")


if __name__ == "__main__":
    main()
