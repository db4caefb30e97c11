#!/usr/bin/env python3
"""Mutates valid instances and schedules and feeds them to the CLI: any exit code other
than 0, 1, 2, any 'panicked' on stderr, or a timeout is reported.

    PATROLPLAN=target/release/patrolplan python3 fuzz_cli.py N INSTANCE...
"""
import copy
import json
import os
import random
import subprocess
import sys
import tempfile

PP = os.environ.get("PATROLPLAN", "target/release/patrolplan")
WEIRD = [None, -1, 0, 1e308, -1e308, "x", [], {}, True, 1.5, 10**12, "NaN", [0, 1], [[0, 1]], ""]


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:6]):
            yield from paths(v, prefix + (i,))


def mutate(doc, rnd):
    doc = copy.deepcopy(doc)
    ps = [p for p in paths(doc) if p]
    p = rnd.choice(ps)
    parent = doc
    for k in p[:-1]:
        parent = parent[k]
    last = p[-1]
    op = rnd.random()
    if op < 0.25 and isinstance(parent, dict):
        del parent[last]
    elif op < 0.35 and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif op < 0.45 and isinstance(parent[last], (int, float)) and not isinstance(parent[last], bool):
        parent[last] = parent[last] * rnd.choice([-1, 0, 2, 1000, 1e9]) + rnd.choice([0, 1, -1])
    else:
        parent[last] = copy.deepcopy(rnd.choice(WEIRD))
    return doc


def run(cmd, timeout=60):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", ""


def main():
    n = int(sys.argv[1])
    rnd = random.Random(7)
    bad = 0
    d = tempfile.mkdtemp()
    for inst_path in sys.argv[2:]:
        inst = json.load(open(inst_path))
        sched = f"{d}/s.json"
        rc, err = run([PP, "solve", inst_path, "--out", sched, "--iterations", "200", "--no-bound", "--quiet"])
        base_sched = json.load(open(sched)) if rc in (0, 1) and os.path.exists(sched) else None
        for i in range(n):
            m = mutate(inst, rnd)
            f = f"{d}/m.json"
            json.dump(m, open(f, "w"), allow_nan=True)
            cmds = [[PP, "validate", f],
                    [PP, "solve", f, "--out", f"{d}/o.json", "--iterations", "100", "--no-bound", "--quiet"]]
            if base_sched is not None:
                cmds.append([PP, "evaluate", f, sched])
                ms = mutate(base_sched, rnd)
                json.dump(ms, open(f"{d}/ms.json", "w"))
                cmds.append([PP, "evaluate", inst_path, f"{d}/ms.json"])
            for c in cmds:
                rc, err = run(c)
                if rc not in (0, 1, 2) or "panicked" in err:
                    bad += 1
                    keep = tempfile.mkdtemp(prefix="fuzz_bad_")
                    os.system(f"cp {d}/*.json {keep}/")
                    print(f"BAD rc={rc} {' '.join(c[1:2])} {inst_path} case {i}: {err.strip()[-400:]} (kept in {keep})", flush=True)
    print(f"fuzz_cli: {bad} bad", flush=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
