#!/usr/bin/env python3
"""Usage: covering_cases.py N P RADIUS_KM SEED (writes ./mclp-N-P-SEED.json).
SJC-like maximal covering instances: n demand points in a city (clusters + sprawl),
each point also a candidate facility (capacity 1), p mobile teams, one slot, pure coverage."""
import json, math, random, sys
n, p, radius_km, seed = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
lon0, lat0 = 118.78, 32.04
pts = []
centres = [(rng.gauss(0, 4), rng.gauss(0, 4)) for _ in range(8)]
for i in range(n):
    if rng.random() < 0.7:
        cx, cy = rng.choice(centres); x, y = rng.gauss(cx, 1.2), rng.gauss(cy, 1.2)
    else:
        x, y = rng.uniform(-10, 10), rng.uniform(-10, 10)
    lon = lon0 + x / (111.32 * math.cos(math.radians(lat0))); lat = lat0 + y / 110.57
    pts.append((round(lon, 5), round(lat, 5)))
speed = 60.0; detour = 1.0
inst = {
  "format": "patrolplan.instance.v1", "name": f"mclp-{n}-{p}-{seed}",
  "horizon": {"slot_minutes": 60, "slots": 1},
  "travel": {"model": "haversine", "detour_factor": detour},
  "regions": [{"id": f"D{i+1}", "location": list(pt), "risk": rng.choice([1,2,3,5,8,13,40,100])} for i, pt in enumerate(pts)],
  "posts": [{"id": f"F{i+1}", "location": list(pt), "capacity": 1} for i, pt in enumerate(pts)],
  "shift_rules": {"one": {"min_shift_slots": 1, "max_shift_slots": 1, "min_rest_slots": 1, "max_work_slots": 1, "max_hop_minutes": 0}},
  "teams": [{"id": f"M{j+1}", "kind": "mobile", "members": 4, "base": f"F{rng.randrange(n)+1}", "speed_kmh": speed, "rules": "one"} for j in range(p)],
  "objective": {"response_minutes": radius_km / speed * 60, "response_weight": 1.0, "backup_minutes": radius_km / speed * 60, "backup_weight": 0.0},
}
json.dump(inst, open(f"./mclp-{n}-{p}-{seed}.json", "w"))
