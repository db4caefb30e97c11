#!/usr/bin/env python3
"""An independent generator of tiny instances from MODEL.md alone (lead, seventh session),
unlike tests/common/irregular.rs: asymmetric matrices, several availability windows,
marginals of length 1-4 (some zero), backup worth more than response, footfall arrays,
bases by id or coordinates, posts of capacity 1-3, requirements of 1-2 teams, slot lengths
15-120, no escort rule on some.

    python3 scripts/heldout_tiny.py FIRST LAST OUT_DIR          # tiny, 3-9 teams, 6-14 slots
    HARD=1 python3 scripts/heldout_tiny.py FIRST LAST OUT_DIR   # 4-9 teams, 12-16 slots,
                                                                # fractional effectiveness
"""
import json
import math
import os
import random
import sys


def gen(seed):
    rnd = random.Random(seed * 7919 + 13)
    hard = os.environ.get("HARD") == "1"
    slots = rnd.randint(12, 16) if hard else rnd.randint(6, 14)
    slot_minutes = rnd.choice([15, 20, 30, 45, 60, 90, 120])
    nreg = rnd.randint(4, 6) if hard else rnd.randint(3, 6)
    npost = rnd.randint(1, 4)
    lon0, lat0 = 118.7 + rnd.random() * 0.2, 32.0 + rnd.random() * 0.1
    regions, posts = [], []
    for i in range(nreg):
        loc = [round(lon0 + rnd.uniform(-0.03, 0.03), 5), round(lat0 + rnd.uniform(-0.03, 0.03), 5)]
        r = {"id": f"A{i}", "location": loc}
        if rnd.random() < 0.5:
            r["risk"] = [round(max(0.0, rnd.gauss(0.3, 0.25)), 3) for _ in range(slots)]
        else:
            r["risk"] = round(rnd.uniform(0.0, 1.0), 3)
        if rnd.random() < 0.4:
            r["footfall"] = [round(rnd.uniform(0, 1000), 1) for _ in range(slots)]
        elif rnd.random() < 0.5:
            r["population"] = rnd.randint(100, 50000)
        regions.append(r)
    for i in range(npost):
        loc = [round(lon0 + rnd.uniform(-0.03, 0.03), 5), round(lat0 + rnd.uniform(-0.03, 0.03), 5)]
        p = {"id": f"Q{i}", "location": loc}
        if rnd.random() < 0.5:
            p["capacity"] = rnd.randint(1, 3)
        posts.append(p)
    ids = [r["id"] for r in regions] + [p["id"] for p in posts]
    use_matrix = rnd.random() < 0.5
    if use_matrix:
        n = len(ids)
        m = [[0.0] * n for _ in range(n)]
        for a in range(n):
            for b in range(n):
                if a != b:
                    m[a][b] = round(rnd.uniform(2, 40), 1)
                    if rnd.random() < 0.1:
                        m[a][b] = None
        travel = {"model": "matrix", "ids": ids, "minutes": m}
    else:
        travel = {"model": "haversine", "detour_factor": round(rnd.uniform(1.0, 1.6), 2)}
    rules = {}
    for name in ["ra", "rb", "rc"][: rnd.randint(1, 3)]:
        mn = rnd.randint(1, 3)
        mx = rnd.randint(mn, min(slots, mn + 4))
        rules[name] = {
            "min_shift_slots": mn,
            "max_shift_slots": mx,
            "min_rest_slots": rnd.randint(1, 4),
            "max_work_slots": rnd.randint(mn, slots),
            "max_hop_minutes": round(rnd.uniform(5, 40), 1),
        }
    names = list(rules)
    teams = []
    npatrol = rnd.randint(3, 5) if hard else rnd.randint(1, 4)
    nvol = rnd.randint(0, 2)
    nmob = (rnd.randint(1, 2) if hard else rnd.randint(0, 3)) if npost else 0
    def base():
        if use_matrix:
            return rnd.choice(ids)
        if rnd.random() < 0.5:
            return rnd.choice(ids)
        return [round(lon0 + rnd.uniform(-0.03, 0.03), 5), round(lat0 + rnd.uniform(-0.03, 0.03), 5)]
    def avail():
        if rnd.random() < 0.5:
            return None
        cuts = sorted(rnd.sample(range(0, slots + 1), 2 * rnd.randint(1, 2)))
        out = []
        for i in range(0, len(cuts), 2):
            if cuts[i] < cuts[i + 1]:
                out.append([cuts[i], cuts[i + 1]])
        return out or None
    k = 0
    for kind, count in (("patrol", npatrol), ("vol", nvol), ("mobile", nmob)):
        for _ in range(count):
            t = {"id": f"T{k}", "kind": "mobile" if kind == "mobile" else "patrol",
                 "members": rnd.randint(1, 8), "base": base(),
                 "speed_kmh": rnd.choice([5, 15, 30, 40]), "rules": rnd.choice(names)}
            if kind == "vol":
                t["volunteer"] = True
            if rnd.random() < 0.6:
                t["reach_minutes"] = round(rnd.uniform(5, 45), 1)
            if kind != "mobile" and (hard or rnd.random() < 0.5):
                t["effectiveness"] = round(rnd.uniform(0.4, 1.0), 2)
            a = avail()
            if a:
                t["available"] = a
            teams.append(t)
            k += 1
    marg = sorted([round(rnd.uniform(0, 1), 2) for _ in range(rnd.randint(1, 4))], reverse=True)
    objective = {
        "presence_marginals": marg,
        "risk_weight": round(rnd.uniform(0.2, 2), 2),
        "footfall_weight": rnd.choice([0.0, 0.2, 1.0]),
        "response_minutes": rnd.choice([3, 5, 8, 12]),
        "response_weight": rnd.choice([0.0, 0.5, 1.0, 2.0]),
        "backup_minutes": rnd.choice([5, 10, 20]),
        "backup_weight": rnd.choice([0.0, 0.3, 1.5]),
        "deterrence": 0.25,
        "volunteers_need_professional": rnd.random() < 0.7,
    }
    inst = {"format": "patrolplan.instance.v1", "name": f"heldout-{seed}",
            "horizon": {"slot_minutes": slot_minutes, "slots": slots},
            "travel": travel, "regions": regions, "posts": posts,
            "shift_rules": rules, "teams": teams, "objective": objective}
    # One requirement of one team in a random window, sometimes: may be unmeetable,
    # which patrolplan must then say (validation) rather than crash.
    if rnd.random() < 0.5:
        r = rnd.choice(regions)
        a = rnd.randint(0, slots - 1)
        r["min_patrol"] = [{"from": a, "to": min(slots, a + rnd.randint(1, 2)), "teams": 1}]
    return inst


def main():
    first, last, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    for s in range(first, last + 1):
        with open(os.path.join(out, f"heldout-{s}.json"), "w") as f:
            json.dump(gen(s), f)


if __name__ == "__main__":
    main()
