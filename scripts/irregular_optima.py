#!/usr/bin/env python3
"""Proves the optima of the irregular family's stored instances (tests/data/irregular/)
with every exact method at hand and writes optima.json.

    P=/work/peers-venv/bin/python
    $P scripts/irregular_optima.py tests/data/irregular/tiny-*.json --out tests/data/irregular/optima.json

Methods, each run on every instance where it applies:
  cpsat       OR-Tools CP-SAT (../shared/peers/cpsat.py, 2 workers, 60 s): status OPTIMAL;
  highs       the section 6 MIP in HiGHS (../shared/peers/mip.py, 60 s): status Optimal;
  exhaustive  patrolplan's exhaustive search over every team's rule-keeping schedules
              (examples/irregular_exact.rs; patrol and mobile parts apart; only where the
              number of combinations is at most 3e6 per part);
  microlp     patrolplan's section 6 MIP solved by microlp (small models only).
Both peers' schedules are re-scored by the Python referee (evaluate.py) and by
`patrolplan evaluate --json`; the value kept is the referee's.  An instance gets an
optimum only when every method that finished agrees within 1e-6 (relative); any
disagreement, and any schedule the two evaluators judge differently, is listed in
`disagreements` and the instance gets no optimum.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.environ.get("PEERS", "/work/shared/peers")
PY = sys.executable
PATROLPLAN = os.environ.get("PATROLPLAN", os.path.join(ROOT, "target", "release", "patrolplan"))
EXACT = os.path.join(ROOT, "target", "release", "examples", "irregular_exact")
TOL = 1e-6


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def run_json(cmd, result_path=None):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if result_path:
        with open(result_path) as f:
            return json.load(f), p
    return (json.loads(p.stdout) if p.stdout.strip() else None), p


FAR = 100000.0


def peer_copy(inst, tmp):
    """The instance as the peers read it.  MODEL.md section 2 says a `null` matrix entry is
    unreachable; the peers' instance.py rejects a null on any pair a rule compares ("misses
    needed pairs", its reading of the validation rule).  A null is replaced by FAR minutes,
    beyond every reach, hop, response and backup threshold of the family: the same
    instance by section 4-5, in a form both read."""
    with open(inst) as f:
        data = json.load(f)
    travel = data.get("travel", {})
    if travel.get("model") != "matrix" or not any(v is None for row in travel["minutes"] for v in row):
        return inst
    travel["minutes"] = [[FAR if v is None else v for v in row] for row in travel["minutes"]]
    path = os.path.join(tmp, "peer-" + os.path.basename(inst))
    with open(path, "w") as f:
        json.dump(data, f)
    return path


def judge(inst, peer_inst, sched, tmp):
    """Both evaluators on one schedule: the referee on the peers' copy, patrolplan on the
    stored file (with its nulls)."""
    ref_out = os.path.join(tmp, "ref.json")
    ref, _ = run_json([PY, os.path.join(PEERS, "evaluate.py"), peer_inst, sched, "--out", ref_out], ref_out)
    pp, _ = run_json([PATROLPLAN, "evaluate", inst, sched, "--json"])
    return {
        "referee_total": ref["objective"]["total"], "referee_feasible": ref["feasible"],
        "patrolplan_total": pp["objective"]["total"], "patrolplan_feasible": pp["feasible"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instances", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--combinations", default="3e6")
    ap.add_argument("--assignments", default="80")
    ap.add_argument("--schedules", help="also keep CP-SAT's optimal schedules in this directory")
    args = ap.parse_args()
    records, disagreements = [], []
    for inst in args.instances:
        name = os.path.basename(inst)
        rec = {"file": name, "values": {}}
        with tempfile.TemporaryDirectory() as tmp:
            peer_inst = peer_copy(inst, tmp)
            rec["peers_read_nulls_as"] = None if peer_inst == inst else FAR
            for method, script, extra in (("cpsat", "cpsat.py", ["--workers", "2"]), ("highs", "mip.py", [])):
                sched = os.path.join(tmp, f"{method}.sched.json")
                res_path = os.path.join(tmp, f"{method}.res.json")
                res, _ = run_json([PY, os.path.join(PEERS, script), peer_inst, "--time-limit", str(args.time_limit),
                                   "--schedule", sched, "--result", res_path] + extra, res_path)
                entry = {"status": res.get("status"), "proven_optimal": res.get("proven_optimal", False),
                         "seconds": round(res.get("solve_seconds") or 0.0, 3)}
                if os.path.exists(sched):
                    entry.update(judge(inst, peer_inst, sched, tmp))
                    if entry["referee_feasible"] != entry["patrolplan_feasible"] or not close(
                            entry["referee_total"], entry["patrolplan_total"]):
                        disagreements.append({"file": name, "what": f"evaluators differ on the {method} schedule",
                                              "detail": entry})
                rec[method] = entry
                if entry["proven_optimal"] and "referee_total" in entry and entry["referee_feasible"]:
                    rec["values"][method] = entry["referee_total"]
                    if method == "cpsat" and args.schedules:
                        os.makedirs(args.schedules, exist_ok=True)
                        with open(sched) as f:
                            text = f.read()
                        with open(os.path.join(args.schedules, name), "w") as f:
                            f.write(text)
        try:
            line = subprocess.run([EXACT, "--combinations", args.combinations, "--assignments", args.assignments,
                                   inst], capture_output=True, text=True, timeout=120).stdout
        except subprocess.TimeoutExpired:
            # microlp has no time limit: without it, exhaustive search alone.
            line = subprocess.run([EXACT, "--combinations", args.combinations, "--assignments", "0", inst],
                                  capture_output=True, text=True).stdout
        exact = json.loads(line)
        for method in ("exhaustive", "microlp"):
            if exact.get(method) is not None:
                rec["values"][method] = exact[method]
        rec["exact_parts"] = exact["parts"]
        vals = rec["values"]
        if not vals:
            rec["optimum"] = None
            disagreements.append({"file": name, "what": "no method proved an optimum"})
        else:
            ref = next(iter(vals.values()))
            if all(close(v, ref) for v in vals.values()):
                # The referee's score of a proven schedule where there is one.
                rec["optimum"] = vals.get("cpsat", vals.get("highs", max(vals.values())))
                rec["methods"] = sorted(vals)
            else:
                rec["optimum"] = None
                disagreements.append({"file": name, "what": "methods disagree", "values": vals})
        records.append(rec)
        print(name, rec.get("optimum"), rec.get("methods"), file=sys.stderr, flush=True)
    out = {
        "about": "Proven optima of the irregular family (see docs/testing.md); written by scripts/irregular_optima.py",
        "tolerance": TOL,
        "instances": records,
        "disagreements": disagreements,
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
