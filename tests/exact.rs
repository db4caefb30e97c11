//! The exact path against independent optima on small irregular instances: 3-6 regions,
//! 2-6 teams (patrol, volunteer, mobile), 8-16 slots, several rule sets, haversine or
//! matrix travel. Each must be proven optimal, with the value of an exhaustive search
//! (`bound::mip::exhaustive_optimum`, which enumerates every team's rule-keeping
//! schedules) where that is small enough, else of the section 6 MIP solved by microlp;
//! the schedule must be feasible for the evaluator with the same total, and every bound
//! must be at least the optimum.

#![allow(clippy::needless_range_loop)]

use std::time::Duration;

use patrolplan::bound::exact::{solve_exact, ExactOptions};
use patrolplan::bound::{compute_bound, mip, BoundMethod, BoundOptions};
use patrolplan::schedule::evaluate;
use patrolplan::Instance;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// An irregular instance: random sizes, positions, risk, rule sets, availability.
fn irregular(seed: u64) -> Option<Instance> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let slots: usize = rng.random_range(8..=16);
    let nr: usize = rng.random_range(3..=6);
    let nt: usize = rng.random_range(2..=6);
    let matrix = seed % 3 == 2;
    let series = |rng: &mut ChaCha8Rng| -> Vec<f64> {
        (0..slots)
            .map(|_| f64::from(rng.random_range(0..40u32)) / 10.0)
            .collect()
    };
    let mut regions = Vec::new();
    for i in 0..nr {
        let mut r = json!({
            "id": format!("R{i}"),
            "location": [118.78 + 0.004 * rng.random::<f64>() * i as f64, 32.04 + 0.004 * rng.random::<f64>()],
            "risk": series(&mut rng),
            "footfall": series(&mut rng),
        });
        if rng.random_bool(0.2) {
            let from = rng.random_range(0..slots - 2);
            r["min_patrol"] = json!([{ "from": from, "to": from + 2, "teams": 1 }]);
        }
        regions.push(r);
    }
    let np: usize = rng.random_range(1..=3);
    let posts: Vec<Value> = (0..np)
        .map(|p| {
            json!({ "id": format!("P{p}"),
                    "location": [118.78 + 0.01 * rng.random::<f64>(), 32.04 + 0.005 * rng.random::<f64>()],
                    "capacity": rng.random_range(1..=2) })
        })
        .collect();
    let rule_names = ["short", "long", "vol"];
    let mut teams = Vec::new();
    let n_mobile = if nt >= 3 {
        rng.random_range(0..=2)
    } else {
        rng.random_range(0..=1)
    };
    for k in 0..nt {
        let mobile = k >= nt - n_mobile;
        let volunteer = !mobile && k > 0 && rng.random_bool(0.25);
        let base = if mobile {
            format!("P{}", rng.random_range(0..np))
        } else {
            format!("R{}", rng.random_range(0..nr))
        };
        let rules = if volunteer {
            "vol"
        } else {
            rule_names[rng.random_range(0..2)]
        };
        let speed = [5.0, 15.0, 30.0][rng.random_range(0..3)];
        let mut t = json!({
            "id": format!("T{k}"),
            "kind": if mobile { "mobile" } else { "patrol" },
            "members": 4,
            "base": base,
            "speed_kmh": speed,
            "rules": rules,
        });
        if volunteer {
            t["volunteer"] = json!(true);
            t["effectiveness"] = json!(0.5);
        }
        if rng.random_bool(0.3) {
            let a = rng.random_range(0..slots / 2);
            t["available"] = json!([[a, rng.random_range(a + 2..=slots)]]);
        }
        if rng.random_bool(0.3) {
            t["reach_minutes"] = json!(rng.random_range(3..15));
        }
        teams.push(t);
    }
    let mut file: Value = json!({
        "format": "patrolplan.instance.v1",
        "name": format!("irregular-{seed}"),
        "horizon": { "slot_minutes": 60, "slots": slots },
        "regions": regions,
        "posts": posts,
        "shift_rules": {
            "short": { "min_shift_slots": 2, "max_shift_slots": 3, "min_rest_slots": 2,
                       "max_work_slots": rng.random_range(3..=6), "max_hop_minutes": 6 },
            "long": { "min_shift_slots": 3, "max_shift_slots": 5, "min_rest_slots": 3,
                      "max_work_slots": 8, "max_hop_minutes": 10 },
            "vol": { "min_shift_slots": 1, "max_shift_slots": 2, "min_rest_slots": 4,
                     "max_work_slots": 3, "max_hop_minutes": 4 },
        },
        "teams": teams,
        "objective": { "response_minutes": 3, "backup_minutes": 6,
                       "presence_marginals": [1.0, 0.6, 0.3] },
    });
    if matrix {
        let ids: Vec<String> = (0..nr)
            .map(|i| format!("R{i}"))
            .chain((0..np).map(|p| format!("P{p}")))
            .collect();
        let n = ids.len();
        let mut m = vec![vec![Value::Null; n]; n];
        for i in 0..n {
            for j in 0..n {
                m[i][j] = if i == j {
                    json!(0.0)
                } else if rng.random_bool(0.1) {
                    Value::Null
                } else {
                    json!(f64::from(rng.random_range(1..12u32)))
                };
            }
        }
        file["travel"] = json!({ "model": "matrix", "ids": ids, "minutes": m });
    }
    if let Ok(dir) = std::env::var("EXACT_DUMP") {
        std::fs::write(format!("{dir}/irregular-{seed}.json"), file.to_string()).expect("dump");
    }
    // A random requirement no team can meet is rejected by validation: no instance.
    Instance::from_json(&file.to_string()).ok()
}

/// Number of plan combinations an exhaustive search would score (counted by the move
/// machine's forward pass, only to choose the reference).
fn combinations(inst: &Instance) -> f64 {
    (0..inst.teams().len())
        .map(|k| {
            let t = patrolplan::bound::exact::model::TeamModel::new(inst, k, 0);
            let mut cur = vec![0f64; t.states()];
            cur[t.initial() as usize] = 1.0;
            for s in 0..inst.slots() {
                let mut next = vec![0f64; t.states()];
                for (x, &c) in cur.iter().enumerate() {
                    if c > 0.0 {
                        t.moves(s, x as u32, |_, y| next[y as usize] += c);
                    }
                }
                cur = next;
            }
            (0..t.states())
                .filter(|&x| t.may_end(x as u32))
                .map(|x| cur[x])
                .sum::<f64>()
        })
        .product()
}

#[test]
fn exact_path_proves_the_optimum_of_irregular_instances() {
    let mut by_exhaustive = 0;
    let mut by_mip = 0;
    let mut checked = 0;
    let mut infeasible = 0;
    let mut proven = 0;
    let mut unproven = 0;
    for seed in 0..80 {
        let Some(inst) = irregular(seed) else {
            continue;
        };
        let t0 = std::time::Instant::now();
        let out = solve_exact(
            &inst,
            None,
            &ExactOptions {
                time_limit: Duration::from_secs(10),
                ..ExactOptions::default()
            },
        );
        eprintln!(
            "seed {seed}: {} teams {} slots: exact {:?} in {:?}",
            inst.teams().len(),
            inst.slots(),
            out.objective,
            t0.elapsed()
        );
        if !out.proven_optimal {
            // Not closed in time: the bound must still be valid for its own plan.
            if let (Some(v), Some(b)) = (out.objective, out.bound) {
                assert!(b >= v, "seed {seed}: bound {b} below its plan {v}");
            }
            eprintln!("seed {seed}: not proven: {:?}", out.components);
            unproven += 1;
            continue;
        }
        proven += 1;
        let Some(sched) = &out.schedule else {
            // Proven infeasible: the reference must agree.
            if combinations(&inst) <= 300_000.0 {
                assert!(mip::exhaustive_optimum(&inst).is_none(), "seed {seed}");
            }
            infeasible += 1;
            continue;
        };
        let value = out.objective.expect("a schedule has a value");
        let referee = evaluate(&inst, sched);
        assert!(referee.feasible, "seed {seed}: {:?}", referee.violations);
        let tol = 1e-7 * value.abs().max(1.0);
        assert!(
            (referee.objective.total - value).abs() <= tol,
            "seed {seed}: evaluator {} vs exact {value}",
            referee.objective.total
        );
        assert_eq!(out.bound, out.objective, "seed {seed}: a proof has gap 0");
        let combos = combinations(&inst);
        let reference = if combos <= 300_000.0 {
            by_exhaustive += 1;
            mip::exhaustive_optimum(&inst).expect("feasible").0
        } else if combos <= 1e12 && inst.teams().len() <= 3 && inst.slots() <= 10 {
            by_mip += 1;
            mip::mip_optimum(&inst).expect("the MIP solves")
        } else {
            continue;
        };
        checked += 1;
        eprintln!("   reference {reference} after {:?}", t0.elapsed());
        assert!(
            (reference - value).abs() <= 1e-6 * reference.abs().max(1.0),
            "seed {seed}: exact {value} vs reference {reference}"
        );
        // Every bound is at least the optimum.
        for method in [
            None,
            Some(BoundMethod::Lagrangian),
            Some(BoundMethod::Trivial),
        ] {
            let b = compute_bound(
                &inst,
                &BoundOptions {
                    time_limit: Duration::from_secs(5),
                    method,
                },
            )
            .expect("bound")
            .bound;
            assert!(
                b >= reference - 1e-9 * reference.abs().max(1.0),
                "seed {seed}: {method:?} {b} < {reference}"
            );
        }
    }
    println!("{infeasible} proven infeasible; {checked} checked: {by_exhaustive} by exhaustive search, {by_mip} by the MIP");
    println!("{proven} proven optimal, {unproven} not proven within 10 s");
    // Most random seeds are too large for the exhaustive search and microlp; the 80
    // instances of tests/data/irregular with CP-SAT / HiGHS optima are checked in
    // tests/exact_family.rs.
    assert!(
        checked >= 8,
        "only {checked} instances had an independent optimum"
    );
    // Escort-heavy instances can stay open (docs/exact.md); at most one in ten.
    assert!(
        unproven * 10 <= proven + unproven,
        "{unproven} of {} not proven",
        proven + unproven
    );
}
