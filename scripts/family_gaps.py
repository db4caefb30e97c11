#!/usr/bin/env python3
"""Where patrolplan falls short of the proven optimum on the irregular family, and what the
optimum does differently (the figures behind docs/testing.md).

    P=/work/peers-venv/bin/python
    $P scripts/family_gaps.py [--iterations 20000] [--optimal DIR] [--only tiny-5.json ...]

Runs `patrolplan solve --iterations N --seed 1 --threads 2 --no-bound` on every instance of
tests/data/irregular/optima.json with an optimum (the budget of tests/irregular.rs),
re-scores with the Python referee, and for each one below the optimum prints the ratio, the
objective parts of both plans, and per team the slots where the plans differ, with who holds
each min_patrol requirement in each plan (volunteer or professional).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from irregular_optima import PEERS, PY, PATROLPLAN, peer_copy  # noqa: E402

DATA = os.path.join(ROOT, "tests", "data", "irregular")


def grid(inst, sched):
    """team id -> {slot: location}"""
    out = {t["id"]: {} for t in inst["teams"]}
    for t in sched["teams"]:
        for sh in t["shifts"]:
            for i, loc in enumerate(sh["at"]):
                out[t["id"]][sh["start"] + i] = loc
    return out


def holders(inst, g):
    vol = {t["id"]: t.get("volunteer", False) for t in inst["teams"]}
    res = []
    for r in inst["regions"]:
        for req in r.get("min_patrol", []):
            for s in range(req["from"], req["to"]):
                who = [k for k in g if g[k].get(s) == r["id"]]
                res.append(f"{r['id']}@{s}:" + ",".join(f"{k}{'(v)' if vol[k] else ''}" for k in who))
    return res


def referee(peer_inst, sched, tmp):
    out = os.path.join(tmp, "ref.json")
    subprocess.run([PY, os.path.join(PEERS, "evaluate.py"), peer_inst, sched, "--out", out], capture_output=True)
    with open(out) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=20000)
    ap.add_argument("--time-limit", type=float,
                    help="solve with this time limit (bound share included) instead of --iterations")
    ap.add_argument("--optimal", default=os.path.join(DATA, "optimal"))
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    with open(os.path.join(DATA, "optima.json")) as f:
        recs = [r for r in json.load(f)["instances"] if r.get("optimum") is not None]
    short = 0
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for rec in recs:
            name = rec["file"]
            if args.only and name not in args.only:
                continue
            path = os.path.join(DATA, name)
            peer_inst = peer_copy(path, tmp)
            sched = os.path.join(tmp, "pp.json")
            if os.path.exists(sched):
                os.remove(sched)
            budget = (["--time-limit", str(args.time_limit)] if args.time_limit
                      else ["--iterations", str(args.iterations), "--no-bound"])
            p = subprocess.run([PATROLPLAN, "solve", path, "--out", sched, "--seed", "1", "--threads", "2"] + budget,
                               capture_output=True, text=True)
            if not os.path.exists(sched):
                ratios.append((name, 0.0))
                short += 1
                why = p.stderr.strip().splitlines()
                print(f"## {name}: refused (exit {p.returncode}): {' / '.join(why[-2:])}\n")
                continue
            mine = referee(peer_inst, sched, tmp)
            if not mine["feasible"]:
                print(f"## {name}: patrolplan's schedule is INFEASIBLE by the referee: {mine['violations'][:3]}\n")
            ratio = mine["objective"]["total"] / rec["optimum"] if rec["optimum"] > 0 else 1.0
            ratios.append((name, ratio))
            if ratio >= 1 - 1e-7:
                continue
            short += 1
            with open(path) as f:
                inst = json.load(f)
            with open(sched) as f:
                s_mine = json.load(f)
            opt_path = os.path.join(args.optimal, name)
            print(f"## {name}: {mine['objective']['total']:.4f} / {rec['optimum']:.4f} = {ratio:.4f} "
                  f"(proved by {', '.join(rec['methods'])})")
            o = mine["objective"]
            print(f"- patrolplan: presence {o['presence']:.4f}, response {o['response']:.4f}, backup {o['backup']:.4f}")
            if os.path.exists(opt_path):
                best = referee(peer_inst, opt_path, tmp)["objective"]
                print(f"- optimum:    presence {best['presence']:.4f}, response {best['response']:.4f}, backup {best['backup']:.4f}")
                with open(opt_path) as f:
                    s_opt = json.load(f)
                ga, gb = grid(inst, s_mine), grid(inst, s_opt)
                rules = {t["id"]: t["rules"] for t in inst["teams"]}
                for k in ga:
                    if ga[k] != gb[k]:
                        fmt = lambda g: " ".join(f"{s}:{g[s]}" for s in sorted(g)) or "off"
                        print(f"  - {k} ({rules[k]}) patrolplan: {fmt(ga[k])}")
                        print(f"    {' ' * len(k)} {' ' * (len(rules[k]) + 2)}  optimum:   {fmt(gb[k])}")
                ha, hb = holders(inst, ga), holders(inst, gb)
                if ha != hb:
                    print(f"- min_patrol holders, patrolplan: {' '.join(ha)}")
                    print(f"- min_patrol holders, optimum:    {' '.join(hb)}")
            print()
    for prefix in ("tiny-", "covering-"):
        part = [x for x in ratios if x[0].startswith(prefix)]
        if not part:
            continue
        at = sum(1 for _, r in part if r >= 1 - 1e-7)
        refused = sum(1 for _, r in part if r == 0.0)
        solved = [x for x in part if x[1] > 0.0]
        worst = min(solved, key=lambda x: x[1]) if solved else ("-", 1.0)
        print(f"summary {prefix[:-1]}: {at}/{len(part)} at the optimum, {refused} refused, "
              f"{sum(1 for _, r in part if r < 0.995)} below 99.5 % (refusals included), "
              f"worst of the solved {worst[0]} {worst[1]:.4f}")


if __name__ == "__main__":
    main()
