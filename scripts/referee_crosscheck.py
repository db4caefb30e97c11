#!/usr/bin/env python3
"""Cross-check patrolplan's evaluator against the independent Python referee.

For every instance given (files or directories of `*.json` instances), three kinds of
schedules are scored by both `patrolplan evaluate --json` and `peers/evaluate.py`: the
baseline, a short solve, and random mutations of the solved schedule that break rules
(moved shift starts, stretched or cut shifts, swapped regions, removed or added shifts).
Feasibility, the set of violated rule codes, the objective parts and every numeric KPI
must agree (relative tolerance 1e-6). Prints one line per disagreement and a summary;
exit 1 when anything disagrees.

    python3 scripts/referee_crosscheck.py --patrolplan target/release/patrolplan \
        --python ../peers-venv/bin/python --peers ../shared/peers tests/data/irregular
"""
import argparse
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile


def instances(paths):
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                full = os.path.join(p, name)
                if name.endswith(".json") and is_instance(full):
                    yield full
        elif is_instance(p):
            yield p


def is_instance(path):
    try:
        with open(path) as f:
            return json.load(f).get("format") == "patrolplan.instance.v1"
    except (OSError, ValueError, AttributeError):
        return False


def ours(args, inst, sched):
    r = subprocess.run([args.patrolplan, "evaluate", inst, sched, "--json"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        return {"error": f"exit {r.returncode}: {r.stderr.strip()[:300]}"}
    return json.loads(r.stdout)


def peer_copy(inst, tmp):
    """The instance as the referee reads it. MODEL.md says a `null` matrix entry is
    unreachable; the peers' instance.py rejects a `null` on any pair a rule compares, so
    its copy has 100,000 minutes there (beyond every threshold: the same instance)."""
    travel = inst.get("travel", {})
    if travel.get("model") != "matrix":
        return None
    rows = travel.get("minutes", [])
    if not any(v is None for row in rows for v in row):
        return None
    copy_ = copy.deepcopy(inst)
    copy_["travel"]["minutes"] = [[1e5 if v is None else v for v in row] for row in rows]
    path = os.path.join(tmp, "peer-instance.json")
    with open(path, "w") as f:
        json.dump(copy_, f)
    return path


def theirs(args, inst, sched, tmp):
    out = os.path.join(tmp, "theirs.json")
    r = subprocess.run([args.python, os.path.join(args.peers, "evaluate.py"), inst, sched,
                        "--out", out], capture_output=True, text=True)
    if not os.path.exists(out):
        return {"error": f"exit {r.returncode}: {r.stderr.strip()[-300:]}"}
    with open(out) as f:
        res = json.load(f)
    os.remove(out)
    return res


def codes(result):
    found = set()
    for v in result.get("violations", []):
        code = v.get("code") or v.get("rule")
        if code:
            found.add(code)
    return found


def numbers(prefix, value, into):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        into[prefix] = float(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            numbers(f"{prefix}.{k}" if prefix else k, v, into)


def compare(a, b):
    """Differences between our result `a` and the referee's `b` (a list of strings)."""
    if "error" in a or "error" in b:
        return [f"error: ours {a.get('error')} / referee {b.get('error')}"]
    diffs = []
    if bool(a["feasible"]) != bool(b["feasible"]):
        diffs.append(f"feasible {a['feasible']} vs {b['feasible']}")
    ca, cb = codes(a), codes(b)
    if ca != cb:
        diffs.append(f"rules {sorted(ca)} vs {sorted(cb)}")
    na, nb = {}, {}
    numbers("objective", a.get("objective", {}), na)
    numbers("objective", b.get("objective", {}), nb)
    numbers("kpis", a.get("kpis", {}), na)
    numbers("kpis", b.get("kpis", {}), nb)
    for k in sorted(set(na) & set(nb)):
        x, y = na[k], nb[k]
        if abs(x - y) > 1e-6 * max(1.0, abs(x), abs(y)):
            diffs.append(f"{k} {x:.9g} vs {y:.9g}")
    return diffs


def mutate(sched, inst, rng):
    s = copy.deepcopy(sched)
    teams = [t for t in s["teams"] if t.get("shifts")]
    regions = [r["id"] for r in inst.get("regions", [])]
    posts = [p["id"] for p in inst.get("posts", [])]
    if not teams:
        return s, "none"
    t = rng.choice(teams)
    sh = rng.choice(t["shifts"])
    kind = rng.choice(["start", "stretch", "cut", "swap", "drop", "copy"])
    if kind == "cut" and len(sh["at"]) < 2:
        kind = "start"
    places = regions if sh["at"] and sh["at"][0] in regions else posts
    if kind == "start":
        sh["start"] = max(0, sh["start"] + rng.choice([-2, -1, 1, 2]))
    elif kind == "stretch":
        sh["at"].append(sh["at"][-1])
    elif kind == "cut":
        sh["at"].pop()
    elif kind == "swap" and places:
        i = rng.randrange(len(sh["at"]))
        sh["at"][i] = rng.choice(places)
    elif kind == "drop":
        t["shifts"].remove(sh)
    else:
        other = rng.choice(s["teams"])
        other.setdefault("shifts", []).append(copy.deepcopy(sh))
    return s, kind


def overlapping(path):
    """Whether some team of the schedule file stands in one slot twice (overlapping shifts)."""
    with open(path) as f:
        sched = json.load(f)
    for team in sched.get("teams", []):
        seen = set()
        for sh in team.get("shifts", []):
            for s in range(sh["start"], sh["start"] + len(sh["at"])):
                if s in seen:
                    return True
                seen.add(s)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--patrolplan", default="target/release/patrolplan")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--peers", default="../shared/peers")
    ap.add_argument("--mutations", type=int, default=6)
    ap.add_argument("--iterations", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--verbose", action="store_true",
                    help="also list the differences on overlapping shifts")
    ap.add_argument("--keep", help="directory where each disagreeing schedule is copied")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    checked = disagreements = readings = 0
    with tempfile.TemporaryDirectory() as tmp:
        for inst_path in instances(args.paths):
            with open(inst_path) as f:
                inst = json.load(f)
            base = os.path.join(tmp, "base.json")
            solved = os.path.join(tmp, "solved.json")
            subprocess.run([args.patrolplan, "baseline", inst_path, "--out", base],
                           capture_output=True, check=True)
            subprocess.run([args.patrolplan, "solve", inst_path, "--out", solved, "--quiet",
                            "--no-bound", "--iterations", str(args.iterations), "--seed", "1",
                            "--threads", "1"], capture_output=True, check=True)
            cases = [("baseline", base), ("solved", solved)]
            with open(solved) as f:
                solved_sched = json.load(f)
            for m in range(args.mutations):
                s, kind = mutate(solved_sched, inst, rng)
                path = os.path.join(tmp, f"mut{m}.json")
                with open(path, "w") as f:
                    json.dump(s, f)
                cases.append((f"mutation {m} ({kind})", path))
            peer_inst = peer_copy(inst, tmp) or inst_path
            for label, path in cases:
                diffs = compare(ours(args, inst_path, path), theirs(args, peer_inst, path, tmp))
                checked += 1
                # Overlapping shifts (already a `rest` breach for both) are read differently:
                # patrolplan counts a team once per slot and place (docs/evaluator.md), the
                # referee once per shift. Only the verdict must agree there.
                if diffs and overlapping(path) and not any(d.startswith(("feasible", "error"))
                                                           for d in diffs):
                    readings += 1
                    if args.verbose:
                        print(f"{inst_path} {label} (overlapping shifts): " + "; ".join(diffs[:6]))
                    continue
                if diffs:
                    disagreements += 1
                    print(f"{inst_path} {label}: " + "; ".join(diffs[:6]))
                    if args.keep:
                        os.makedirs(args.keep, exist_ok=True)
                        stem = os.path.basename(inst_path)[:-5]
                        shutil.copy(path, os.path.join(args.keep, f"{stem}-{checked}.json"))
    print(f"{checked} schedules scored by both referees, {disagreements} disagreements "
          f"({readings} with overlapping shifts read differently, verdict agreed)")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
