#!/usr/bin/env python3
"""patrolplan `solve` next to OR-Tools CP-SAT at the same time limits, in one run, both
schedules re-scored by the Python referee (../shared/peers/evaluate.py).

    P=/work/peers-venv/bin/python
    cargo build --release
    $P scripts/side_by_side.py                     # the default plan below (~25 min on 2 cores)
    $P scripts/side_by_side.py --plan quick        # 4 tiny at 2 s, small preset at 6 s
    $P scripts/side_by_side.py --tiny 8 --smalls 2 --out /tmp/sbs.json
    PATROLPLAN=/path/to/other/patrolplan $P scripts/side_by_side.py   # another build
    $P scripts/side_by_side.py --files /tmp/ss/small-*.json    # held out: patrolplan 6 s vs CP-SAT 60 s
    $P scripts/side_by_side.py --files /tmp/ss/small-*.json --cp-limits 6 60 --out rows.json
    $P scripts/side_by_side.py --files /tmp/ss/small-*.json --cp-limits 6 60 --cpsat-from rows.json  # new build only

Default plan: tiny irregular instances (tests/data/irregular/tiny-*.json, every 8th
stored one) at 2 s and 10 s; the `small` preset (data/small.json) and the small
irregular instances (tests/data/irregular/small-*.json, 10-20 regions, 8-15 teams, 24
slots) at 6 s and 60 s.  patrolplan: `target/release/patrolplan solve --threads 2 --seed 1
--time-limit T` (the product as shipped: bound share included).  CP-SAT: `cpsat.py
--workers 2 --time-limit T` (model building included in T).  Runs one after the other,
never two at once.  Prints a markdown table: each tool's referee total (or `infeasible`
/ `none`), CP-SAT's status, the proven optimum where optima.json has one, and
patrolplan / CP-SAT.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from irregular_optima import PEERS, PY, PATROLPLAN, peer_copy  # noqa: E402

DATA = os.path.join(ROOT, "tests", "data", "irregular")


def referee(peer_inst, sched, tmp):
    if not os.path.exists(sched):
        return None, None
    out = os.path.join(tmp, "ref.json")
    subprocess.run([PY, os.path.join(PEERS, "evaluate.py"), peer_inst, sched, "--out", out],
                   capture_output=True, text=True)
    if not os.path.exists(out):
        return None, None
    with open(out) as f:
        r = json.load(f)
    os.remove(out)
    return r["objective"]["total"], r["feasible"]


def run_patrolplan(inst, peer_inst, limit, tmp):
    sched = os.path.join(tmp, "pp.json")
    t = time.monotonic()
    p = subprocess.run([PATROLPLAN, "solve", inst, "--out", sched, "--time-limit", f"{limit:g}",
                        "--threads", "2", "--seed", "1"], capture_output=True, text=True)
    wall = time.monotonic() - t
    total, feasible = referee(peer_inst, sched, tmp)
    if os.path.exists(sched):
        os.remove(sched)
    return {"total": total, "feasible": feasible, "wall": round(wall, 2), "exit": p.returncode}


def run_cpsat(peer_inst, limit, tmp):
    sched = os.path.join(tmp, "cp.json")
    res = os.path.join(tmp, "cp-result.json")
    t = time.monotonic()
    subprocess.run([PY, os.path.join(PEERS, "cpsat.py"), peer_inst, "--time-limit", f"{limit:g}",
                    "--workers", "2", "--schedule", sched, "--result", res], capture_output=True, text=True)
    wall = time.monotonic() - t
    status = None
    if os.path.exists(res):
        with open(res) as f:
            status = json.load(f).get("status")
        os.remove(res)
    total, feasible = referee(peer_inst, sched, tmp)
    if os.path.exists(sched):
        os.remove(sched)
    return {"total": total, "feasible": feasible, "status": status, "wall": round(wall, 2)}


def fmt(r):
    if r["total"] is None:
        return "none"
    if not r["feasible"]:
        return f"infeasible ({r['total']:.3f})"
    return f"{r['total']:.3f}"


HEADER = ("| instance | limit s | patrolplan | CP-SAT | CP-SAT status | optimum | patrolplan / CP-SAT "
          "| patrolplan / optimum |\n|---|---|---|---|---|---|---|---|")


def row_text(name, limit, pp, cp, opt):
    def ok(r):
        return r["total"] is not None and r["feasible"]
    vs_cp = f"{pp['total'] / cp['total']:.4f}" if ok(pp) and ok(cp) and cp["total"] > 0 else "-"
    vs_opt = f"{pp['total'] / opt:.4f}" if ok(pp) and opt else "-"
    return (f"| {name} | {limit} | {fmt(pp)} | {fmt(cp)} | {cp['status']} | "
            f"{'-' if opt is None else f'{opt:.3f}'} | {vs_cp} | {vs_opt} |")


def natural(path):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", choices=("default", "quick"), default="default")
    ap.add_argument("--tiny", type=int, help="how many tiny instances (evenly spread)")
    ap.add_argument("--smalls", type=int, help="how many small irregular instances")
    ap.add_argument("--out", help="also write the rows as JSON here")
    ap.add_argument("--files", nargs="+", metavar="INSTANCE",
                    help="the held-out check instead of the plan: each file solved by patrolplan at "
                         "--pp-limit and by CP-SAT at --cp-limit (default 6 s against 60 s)")
    ap.add_argument("--pp-limit", type=float, default=6)
    ap.add_argument("--cp-limit", type=float, default=60)
    ap.add_argument("--cp-limits", type=float, nargs="+",
                    help="with --files: CP-SAT at each of these limits (e.g. 6 60) instead of --cp-limit")
    ap.add_argument("--cpsat-from", metavar="ROWS",
                    help="with --files: CP-SAT's results from an earlier run's --out file")
    ap.add_argument("--table-from", metavar="ROWS",
                    help="print the table of an earlier run's --out file (with today's optima.json) and stop")
    args = ap.parse_args()
    optima = {}
    opt_path = os.path.join(DATA, "optima.json")
    if os.path.exists(opt_path):
        with open(opt_path) as f:
            for rec in json.load(f)["instances"]:
                if rec.get("optimum") is not None:
                    optima[rec["file"]] = rec["optimum"]
    if args.table_from:
        with open(args.table_from) as f:
            old_rows = json.load(f)
        print(HEADER)
        for r in old_rows:
            print(row_text(r["instance"], r["limit"], r["patrolplan"], r["cpsat"], optima.get(r["instance"])))
        return
    if args.files:
        held_out(args)
        return
    tiny = sorted(glob.glob(os.path.join(DATA, "tiny-*.json")), key=natural)
    smalls = sorted(glob.glob(os.path.join(DATA, "small-*.json")), key=natural)
    if args.plan == "quick":
        n_tiny, n_small, tiny_limits, small_limits = 4, 0, [2], [6]
    else:
        n_tiny, n_small, tiny_limits, small_limits = 10, 4, [2, 10], [6, 60]
    n_tiny = args.tiny if args.tiny is not None else n_tiny
    n_small = args.smalls if args.smalls is not None else n_small
    step = max(1, len(tiny) // max(1, n_tiny))
    plan = [(p, tiny_limits) for p in tiny[::step][:n_tiny]]
    plan.append((os.path.join(ROOT, "data", "small.json"), small_limits))
    plan += [(p, small_limits) for p in smalls[:n_small]]
    load = os.getloadavg()
    print(f"# side by side, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, "
          f"git {subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}, "
          f"load at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    print(HEADER, flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for inst, limits in plan:
            peer_inst = peer_copy(inst, tmp)
            name = os.path.basename(inst)
            for limit in limits:
                pp = run_patrolplan(inst, peer_inst, limit, tmp)
                cp = run_cpsat(peer_inst, limit, tmp)
                opt = optima.get(name)
                print(row_text(name, limit, pp, cp, opt), flush=True)
                rows.append({"instance": name, "limit": limit, "patrolplan": pp, "cpsat": cp, "optimum": opt})
    load = os.getloadavg()
    print(f"\nload at end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rows, f, indent=1)


def held_out(args):
    """patrolplan at one limit against CP-SAT at one or more limits, per file (the issue's
    held-out criterion: small instances >= CP-SAT's 60 s result in 6 s).  Every file goes
    through `peer_copy` first (matrix nulls -> far minutes), so instances with nulls between
    hop-linked locations are compared too.  With --cpsat-from ROWS, CP-SAT's results are
    read from an earlier run's --out file (same files, same limits) instead of being
    recomputed: CP-SAT's side does not depend on the patrolplan build."""
    cp_limits = args.cp_limits or [args.cp_limit]
    cached = {}
    if args.cpsat_from:
        with open(args.cpsat_from) as f:
            for r in json.load(f):
                for lim, res in r.get("cpsat_by_limit", {}).items():
                    cached[(r["instance"], float(lim))] = res
    load = os.getloadavg()
    print(f"# held out, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, "
          f"git {subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}, "
          f"patrolplan {PATROLPLAN}, load at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
          + (f", CP-SAT from {args.cpsat_from}" if args.cpsat_from else ""), flush=True)
    cols = "".join(f" CP-SAT {c:g} s | status |" for c in cp_limits)
    ratios = "".join(f" pp / CP-SAT {c:g} s |" for c in cp_limits)
    print(f"| instance | patrolplan {args.pp_limit:g} s |{cols}{ratios}\n"
          + "|---" * (2 + 3 * len(cp_limits)) + "|", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for inst in args.files:
            name = os.path.basename(inst)
            peer_inst = peer_copy(inst, tmp)
            pp = run_patrolplan(inst, peer_inst, args.pp_limit, tmp)
            by_limit = {}
            for c in cp_limits:
                if (name, float(c)) in cached:
                    by_limit[f"{c:g}"] = cached[(name, float(c))]
                else:
                    by_limit[f"{c:g}"] = run_cpsat(peer_inst, c, tmp)
            cells, rcells = "", ""
            for c in cp_limits:
                cp = by_limit[f"{c:g}"]
                ok = pp["total"] is not None and pp["feasible"] and cp["total"] is not None and cp["feasible"]
                cells += f" {fmt(cp)} | {cp['status']} |"
                rcells += f" {pp['total'] / cp['total']:.4f} |" if ok and cp["total"] > 0 else " - |"
            print(f"| {name} | {fmt(pp)} |{cells}{rcells}", flush=True)
            row = {"instance": name, "patrolplan": pp, "cpsat_by_limit": by_limit}
            row["cpsat"] = by_limit[f"{cp_limits[-1]:g}"]
            rows.append(row)
            if args.out:
                with open(args.out, "w") as f:
                    json.dump(rows, f, indent=1)
    load = os.getloadavg()
    print(f"\nload at end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
