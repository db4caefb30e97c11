//! End-to-end checks of `siting`: thresholds, the distinct-teams rule, capacity,
//! incremental counts against the direct formula, and greedy + swap / exact against
//! brute force on small random instances.

use std::time::Duration;

use patrolplan::generate::{generate, Preset};
use patrolplan::model::TeamKind;
use patrolplan::schedule::{evaluate, Schedule, Shift};
use patrolplan::siting::{
    lp_bound, move_up, respects_capacity, site_slot, slot_cover_value, solve_exact,
    solve_exact_report, CoverCounts, SlotSiting, UNPLACED,
};
use patrolplan::Instance;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

const RULES: &str = r#"{"standard": {"min_shift_slots": 1, "max_shift_slots": 4,
    "min_rest_slots": 1, "max_work_slots": 4, "max_hop_minutes": 15}}"#;

fn mobile(id: &str, base: serde_json::Value, speed: f64) -> serde_json::Value {
    json!({"id": id, "kind": "mobile", "members": 6, "base": base, "speed_kmh": speed,
           "rules": "standard"})
}

/// Regions R0..R2, posts P0..P1, under a matrix model; P0 -> R0 is exactly 5 (the
/// response standard), P0 -> R1 exactly 10 (the backup standard), P1 -> R1 is 10.001.
fn threshold_instance(capacity: u32) -> Instance {
    let ids = ["R0", "R1", "R2", "P0", "P1"];
    let inf = serde_json::Value::Null;
    let mut m = vec![vec![json!(0.0); 5]; 5];
    let set = |m: &mut Vec<Vec<serde_json::Value>>, a: usize, b: usize, v: serde_json::Value| {
        m[a][b] = v.clone();
        m[b][a] = v;
    };
    set(&mut m, 3, 0, json!(5.0));
    set(&mut m, 3, 1, json!(10.0));
    set(&mut m, 3, 2, inf.clone());
    set(&mut m, 4, 0, json!(5.000001));
    set(&mut m, 4, 1, json!(10.001));
    set(&mut m, 4, 2, json!(1.0));
    set(&mut m, 3, 4, json!(3.0));
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        set(&mut m, a, b, json!(7.0));
    }
    let file = json!({
        "format": "patrolplan.instance.v1", "name": "threshold",
        "horizon": {"slot_minutes": 60, "slots": 4},
        "travel": {"model": "matrix", "ids": ids, "minutes": m},
        "regions": [{"id": "R0", "location": [118.7, 32.0], "risk": 1.0},
                    {"id": "R1", "location": [118.8, 32.0], "risk": 2.0},
                    {"id": "R2", "location": [118.9, 32.0], "risk": 4.0}],
        "posts": [{"id": "P0", "location": [118.75, 32.0], "capacity": capacity},
                  {"id": "P1", "location": [118.85, 32.0], "capacity": capacity}],
        "shift_rules": serde_json::from_str::<serde_json::Value>(RULES).unwrap(),
        "teams": [mobile("M0", json!("P0"), 30.0), mobile("M1", json!("P0"), 30.0),
                  mobile("M2", json!("P1"), 30.0)],
        "objective": {"response_weight": 1.0, "backup_weight": 0.5}
    });
    Instance::from_json(&file.to_string()).expect("valid threshold instance")
}

#[test]
fn response_and_backup_are_inclusive_at_the_threshold() {
    let inst = threshold_instance(2);
    // One team at P0: R0 at exactly 5 minutes is response-covered; no backup (one team).
    assert_eq!(slot_cover_value(&inst, 0, &[(0, 0)]), 1.0);
    // Two teams at P0: R0 (5 <= 10) and R1 (exactly 10) are backup-covered.
    assert_eq!(
        slot_cover_value(&inst, 0, &[(0, 0), (1, 0)]),
        1.0 + 0.5 * (1.0 + 2.0)
    );
    // P1 is just past both standards for R0/R1: only R2 counts (1 minute).
    assert_eq!(slot_cover_value(&inst, 0, &[(2, 1)]), 4.0);
    // P0 + P1: R1 is 10 from P0 but 10.001 from P1, so only one team within backup.
    let v = slot_cover_value(&inst, 0, &[(0, 0), (2, 1)]);
    assert_eq!(v, 1.0 + 4.0 + 0.5 * 1.0);
    for placed in [vec![(0, 0)], vec![(0, 0), (1, 0)], vec![(0, 0), (2, 1)]] {
        let c = CoverCounts::with_placed(&inst, 0, &placed);
        assert_eq!(c.value(), slot_cover_value(&inst, 0, &placed));
    }
}

#[test]
fn backup_needs_two_distinct_teams() {
    let inst = threshold_instance(2);
    // The same team listed twice counts once.
    assert_eq!(slot_cover_value(&inst, 0, &[(0, 0), (0, 0)]), 1.0);
    let c = CoverCounts::with_placed(&inst, 0, &[(0, 0)]);
    assert_eq!(c.backup_count(0), 1);
    assert_eq!(c.gain_add(1, 0), 0.5 * 3.0);
}

#[test]
#[should_panic(expected = "already placed")]
fn counts_refuse_a_team_placed_twice() {
    let inst = threshold_instance(2);
    let mut c = CoverCounts::new(&inst, 0);
    c.add(0, 0);
    c.add(0, 1);
}

#[test]
fn capacity_is_kept_and_repaired() {
    let inst = threshold_instance(1);
    // M0 may take P0 or P1, M1 only P0: greedy alone could block M1.
    let problem = SlotSiting {
        instance: &inst,
        slot: 0,
        teams: vec![(0, vec![0, 1]), (1, vec![0])],
    };
    let posts = site_slot(&problem, Some(&[0, 0]));
    assert_eq!(posts, vec![1, 0]);
    // Three teams, two posts of capacity 1: one team cannot be placed.
    let problem = SlotSiting {
        instance: &inst,
        slot: 0,
        teams: vec![(0, vec![0, 1]), (1, vec![0, 1]), (2, vec![0, 1])],
    };
    let posts = site_slot(&problem, None);
    assert_eq!(posts.iter().filter(|&&p| p == UNPLACED).count(), 1);
    assert!(solve_exact(&problem, Duration::from_secs(10)).is_none());
}

/// Haversine instance in a 10 km square: `regions` random regions, `posts` posts with
/// capacity 1 or 2, `teams` mobile teams at two speeds (two cover classes).
fn random_instance(seed: u64, regions: usize, posts: usize, teams: usize) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pt = |rng: &mut ChaCha8Rng| {
        json!([
            118.75 + rng.random::<f64>() * 0.1,
            32.0 + rng.random::<f64>() * 0.09
        ])
    };
    let regions: Vec<_> = (0..regions)
        .map(|i| {
            let risk = if rng.random_bool(0.1) {
                0.0
            } else {
                rng.random_range(0.1..5.0)
            };
            json!({"id": format!("R{i}"), "location": pt(&mut rng), "risk": risk})
        })
        .collect();
    let posts: Vec<_> = (0..posts)
        .map(|j| {
            json!({"id": format!("P{j}"), "location": pt(&mut rng),
                   "capacity": rng.random_range(1..=2)})
        })
        .collect();
    let teams: Vec<_> = (0..teams)
        .map(|k| {
            let speed = if k % 2 == 0 { 40.0 } else { 25.0 };
            mobile(&format!("M{k}"), json!("P0"), speed)
        })
        .collect();
    let file = json!({
        "format": "patrolplan.instance.v1", "name": "random",
        "horizon": {"slot_minutes": 60, "slots": 4},
        "regions": regions, "posts": posts,
        "shift_rules": serde_json::from_str::<serde_json::Value>(RULES).unwrap(),
        "teams": teams,
        "objective": {"response_minutes": 5, "backup_minutes": 10, "backup_weight": 0.3}
    });
    Instance::from_json(&file.to_string()).expect("valid random instance")
}

/// A problem where each team may take a random non-empty subset of the posts.
fn random_problem(inst: &Instance, seed: u64) -> SlotSiting<'_> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let teams = (0..inst.teams().len())
        .map(|k| {
            let mut allowed: Vec<u32> = (0..inst.posts().len() as u32)
                .filter(|_| rng.random_bool(0.7))
                .collect();
            if allowed.is_empty() {
                allowed.push(rng.random_range(0..inst.posts().len() as u32));
            }
            (k, allowed)
        })
        .collect();
    SlotSiting {
        instance: inst,
        slot: 0,
        teams,
    }
}

/// Best value over every assignment that keeps capacity (None if none does).
fn brute_force(problem: &SlotSiting) -> Option<f64> {
    fn go(p: &SlotSiting, i: usize, placed: &mut Vec<(usize, u32)>, best: &mut Option<f64>) {
        if i == p.teams.len() {
            if respects_capacity(p.instance, placed) {
                let v = slot_cover_value(p.instance, p.slot, placed);
                *best = Some(best.map_or(v, |b: f64| b.max(v)));
            }
            return;
        }
        for &post in &p.teams[i].1 {
            placed.push((p.teams[i].0, post));
            go(p, i + 1, placed, best);
            placed.pop();
        }
    }
    let mut best = None;
    go(problem, 0, &mut Vec::new(), &mut best);
    best
}

fn placed(problem: &SlotSiting, posts: &[u32]) -> Vec<(usize, u32)> {
    problem
        .teams
        .iter()
        .map(|t| t.0)
        .zip(posts.iter().copied())
        .collect()
}

#[test]
fn greedy_swap_and_exact_against_brute_force() {
    let mut worst_gap: f64 = 0.0;
    let mut gap_sum = 0.0;
    let mut checked = 0;
    for seed in 0..40 {
        let inst = random_instance(seed, 25, 7, 2 + (seed as usize % 3));
        let problem = random_problem(&inst, seed);
        let Some(opt) = brute_force(&problem) else {
            assert!(solve_exact(&problem, Duration::from_secs(30)).is_none());
            continue;
        };
        checked += 1;
        let posts = site_slot(&problem, None);
        let pl = placed(&problem, &posts);
        assert!(
            posts.iter().all(|&p| p != UNPLACED),
            "seed {seed}: feasible but unplaced"
        );
        assert!(respects_capacity(&inst, &pl), "seed {seed}: capacity");
        for (t, p) in &pl {
            assert!(problem.teams.iter().any(|(k, a)| k == t && a.contains(p)));
        }
        let heur = slot_cover_value(&inst, 0, &pl);
        assert!(heur <= opt + 1e-9);
        if opt > 0.0 {
            worst_gap = worst_gap.max((opt - heur) / opt);
            eprintln!("seed {seed}: gap {:.4}", (opt - heur) / opt);
            gap_sum += (opt - heur) / opt;
        }
        let (eposts, evalue) =
            solve_exact(&problem, Duration::from_secs(30)).expect("small problems are proven");
        let epl = placed(&problem, &eposts);
        assert!(respects_capacity(&inst, &epl));
        assert!((slot_cover_value(&inst, 0, &epl) - evalue).abs() < 1e-9);
        assert!(
            (evalue - opt).abs() <= 1e-6 * opt.max(1.0),
            "seed {seed}: {evalue} vs {opt}"
        );
        let bound = lp_bound(&problem, Duration::from_secs(30)).expect("lp solves");
        assert!(
            bound >= opt - 1e-9,
            "seed {seed}: LP bound {bound} below optimum {opt}"
        );
    }
    assert!(checked >= 30, "too few feasible random cases: {checked}");
    let mean_gap = gap_sum / checked as f64;
    assert!(mean_gap <= 0.01, "greedy + swap mean gap {mean_gap}");
    assert!(worst_gap <= 0.05, "greedy + swap worst gap {worst_gap}");
}

#[test]
fn warm_start_never_loses_value() {
    for seed in 0..10 {
        let inst = random_instance(100 + seed, 30, 8, 4);
        let problem = random_problem(&inst, seed);
        let cold = site_slot(&problem, None);
        let warm = site_slot(&problem, Some(&cold));
        let v = |posts: &[u32]| slot_cover_value(&inst, 0, &placed(&problem, posts));
        assert!(v(&warm) >= v(&cold) - 1e-12);
    }
}

#[test]
fn incremental_counts_match_the_formula() {
    for seed in 0..20 {
        let inst = random_instance(200 + seed, 30, 8, 5);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut counts = CoverCounts::new(&inst, 0);
        for _ in 0..60 {
            let team = rng.random_range(0..inst.teams().len());
            let post = rng.random_range(0..inst.posts().len() as u32);
            let before = counts.value();
            if rng.random_bool(0.2) {
                let loss = counts.loss_remove(team);
                counts.remove(team);
                assert!((before - loss - counts.value()).abs() < 1e-9);
            } else {
                let predicted = counts.delta_move(team, post);
                let done = counts.move_to(team, post);
                assert!((predicted - done).abs() < 1e-9, "seed {seed}: delta");
            }
            let truth = slot_cover_value(&inst, 0, &counts.placed());
            assert!(
                (counts.value() - truth).abs() < 1e-9,
                "seed {seed}: value drift"
            );
            assert!((counts.recomputed_value() - truth).abs() < 1e-9);
        }
    }
}

#[test]
fn move_up_restores_cover_within_the_move_budget() {
    for seed in 0..10 {
        let inst = random_instance(300 + seed, 40, 10, 5);
        let problem = random_problem(&inst, seed);
        let posts = site_slot(&problem, None);
        if posts.contains(&UNPLACED) {
            continue;
        }
        let pl = placed(&problem, &posts);
        let dispatched = pl[0].0;
        let stay: Vec<_> = pl[1..].to_vec();
        let after0 = move_up(&inst, 0, &pl, dispatched, 0);
        assert_eq!(after0, stay);
        let after = move_up(&inst, 0, &pl, dispatched, 2);
        let moved = after.iter().zip(&stay).filter(|(a, b)| a != b).count();
        assert!(moved <= 2);
        assert!(respects_capacity(&inst, &after));
        for (t, p) in &after {
            assert!(inst.reach().locations(*t).contains(p));
        }
        assert!(slot_cover_value(&inst, 0, &after) >= slot_cover_value(&inst, 0, &stay) - 1e-12);
    }
}

#[test]
fn exact_report_bound_is_above_value() {
    let inst = random_instance(7, 40, 10, 4);
    let problem = random_problem(&inst, 7);
    let out = solve_exact_report(&problem, Duration::from_secs(30));
    assert!(out.proven);
    assert!(out.bound >= out.value - 1e-9);
    assert!(out.nodes >= 1);
}

/// A schedule in which each team of `placed` works slot `slot` only, at its post.
fn one_slot_schedule(inst: &Instance, slot: usize, placed: &[(usize, u32)]) -> Schedule {
    let mut schedule = Schedule::empty(inst);
    for &(t, p) in placed {
        schedule.shifts[t].push(Shift {
            start: slot,
            at: vec![p],
        });
    }
    schedule
}

#[test]
fn the_evaluator_agrees_with_sitings() {
    for seed in 0..10 {
        let inst = random_instance(400 + seed, 30, 8, 4);
        let problem = random_problem(&inst, seed);
        let posts = site_slot(&problem, None);
        if posts.contains(&UNPLACED) {
            continue;
        }
        let pl = placed(&problem, &posts);
        let eval = evaluate(&inst, &one_slot_schedule(&inst, 0, &pl));
        let referee = eval.objective.response + eval.objective.backup;
        assert!((referee - slot_cover_value(&inst, 0, &pl)).abs() < 1e-9);
        let counts = CoverCounts::with_placed(&inst, 0, &pl);
        assert!((referee - counts.value()).abs() < 1e-9);
    }
}

#[test]
fn preset_slots_are_sited_and_rescored() {
    let inst = Instance::from_file(&generate(Preset::Small, 3)).expect("preset is valid");
    let mut schedule = Schedule::empty(&inst);
    let mut total = 0.0;
    for slot in 0..inst.slots() {
        let teams: Vec<(usize, Vec<u32>)> = (0..inst.teams().len())
            .filter(|&k| {
                inst.teams()[k].kind == TeamKind::Mobile && inst.teams()[k].is_available(slot)
            })
            .map(|k| (k, inst.reach().locations(k).to_vec()))
            .collect();
        let problem = SlotSiting {
            instance: &inst,
            slot,
            teams,
        };
        let posts = site_slot(&problem, None);
        let pl = placed(&problem, &posts);
        assert!(respects_capacity(&inst, &pl));
        total += slot_cover_value(&inst, slot, &pl);
        for (t, p) in pl {
            schedule.shifts[t].push(Shift {
                start: slot,
                at: vec![p],
            });
        }
    }
    let eval = evaluate(&inst, &schedule);
    let referee = eval.objective.response + eval.objective.backup;
    assert!(
        (referee - total).abs() <= 1e-9 * total.max(1.0),
        "{referee} vs {total}"
    );
    // Posts within response of some risk exist in the preset, so cover is not empty.
    assert!(eval.kpis.response_coverage.unwrap_or(0.0) > 0.0);
}
