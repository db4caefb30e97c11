#!/usr/bin/env python3
"""Random event files against solved schedules: replan must exit 0/1/2 without a panic,
and each re-plan it writes (rc 0) must be judged feasible by `evaluate --events`.

    PATROLPLAN=target/release/patrolplan python3 fuzz_replan.py N INSTANCE...
"""
import json, os, random, subprocess, sys, tempfile
PP = os.environ.get("PATROLPLAN", "target/release/patrolplan")

def run(cmd, timeout=60):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", "", ""

def events(inst, sched, rnd):
    n = inst["horizon"]["slots"]
    now = rnd.randint(0, n)
    teams = inst["teams"]
    ev = []
    worked = {t["id"]: t.get("shifts", []) for t in sched["teams"]}
    for _ in range(rnd.randint(0, 5)):
        typ = rnd.choice(["dispatched", "unavailable", "available", "requirement", "risk", "pin"])
        if now >= n:
            a, b = now, now + 1  # invalid on purpose
        else:
            a = rnd.randint(now, n - 1); b = rnd.randint(a + 1, n)
        if typ in ("requirement", "risk"):
            e = {"type": typ, "region": rnd.choice(inst["regions"])["id"], "from": a, "to": b}
            if typ == "requirement": e["teams"] = rnd.randint(1, 2)
            else: e["factor"] = rnd.choice([0.0, 0.5, 3.0])
        else:
            if typ == "dispatched":
                mob = [t["id"] for t in teams if t["kind"] == "mobile"]
                cands = []
                for tid in mob:
                    for sh in worked.get(tid, []):
                        s0, s1 = sh["start"], sh["start"] + len(sh["at"])
                        lo = max(s0, now)
                        if lo < s1: cands.append((tid, lo, s1))
                if cands and rnd.random() < 0.8:
                    tid, lo, hi = rnd.choice(cands)
                    a = rnd.randint(lo, hi - 1); b = rnd.randint(a + 1, hi)
                    e = {"type": typ, "team": tid, "from": a, "to": b}
                else:
                    e = {"type": typ, "team": rnd.choice(teams)["id"], "from": a, "to": b}
            else:
                e = {"type": typ, "team": rnd.choice(teams)["id"], "from": a, "to": b}
        ev.append(e)
    doc = {"format": "patrolplan.events.v1", "instance": inst["name"], "now": now, "events": ev}
    if rnd.random() < 0.4: doc["max_changes"] = rnd.randint(0, 20)
    return doc

def main():
    n = int(sys.argv[1]); rnd = random.Random(11); d = tempfile.mkdtemp(); bad = 0
    stats = {}
    for ip in sys.argv[2:]:
        inst = json.load(open(ip))
        s = f"{d}/s.json"
        run([PP, "solve", ip, "--out", s, "--iterations", "300", "--no-bound", "--quiet"])
        if not os.path.exists(s): continue
        sched = json.load(open(s))
        for i in range(n):
            e = events(inst, sched, rnd); ef = f"{d}/e.json"; json.dump(e, open(ef, "w"))
            o = f"{d}/o.json"
            if os.path.exists(o): os.remove(o)
            rc, out, err = run([PP, "replan", ip, s, "--events", ef, "--out", o, "--iterations", "300", "--no-bound"])
            stats[rc] = stats.get(rc, 0) + 1
            problem = None
            if rc not in (0, 1, 2) or "panicked" in err:
                problem = f"replan rc={rc}: {err.strip()[-300:]}"
            elif rc == 0:
                rc2, out2, err2 = run([PP, "evaluate", ip, o, "--events", ef, "--previous", s])
                if rc2 != 0:
                    problem = f"re-plan judged rc={rc2}: {(out2 + err2).strip()[-400:]}"
            if problem:
                bad += 1; keep = tempfile.mkdtemp(prefix="fuzz_replan_bad_")
                os.system(f"cp {d}/*.json {keep}/; cp {ip} {keep}/instance.json")
                print(f"BAD {ip} case {i}: {problem} (kept in {keep})", flush=True)
    print(f"fuzz_replan: {bad} bad; replan exit codes {stats}", flush=True)
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
