//! Bounds against exact optima on tiny hand-made instances: every bound must be at least
//! the exhaustive-search optimum, and the MIP (microlp) must find that same optimum.

use std::time::Duration;

use patrolplan::bound::{
    backend, compute_bound, exact_lp::build_exact, mip, BoundMethod, BoundOptions,
};
use patrolplan::schedule::evaluate::evaluate;
use patrolplan::schedule::{Schedule, Shift};
use patrolplan::Instance;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// 3 regions 0.5 km apart in a line (hop R1<->R3 is too far), 2 posts, 2 patrol teams
/// (one a volunteer in some cases), 1-2 mobile teams, 5-6 slots.
fn tiny(seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let slots: usize = rng.random_range(5..=6);
    let series = |rng: &mut ChaCha8Rng| -> Vec<f64> {
        (0..slots)
            .map(|_| (rng.random_range(0..40) as f64) / 10.0)
            .collect()
    };
    let dlon = 0.0053; // ~0.5 km at 32 N
    let mut regions = Vec::new();
    for i in 0..3 {
        let mut r = json!({
            "id": format!("R{i}"),
            "location": [118.78 + dlon * i as f64, 32.04],
            "risk": series(&mut rng),
            "footfall": series(&mut rng),
        });
        if seed % 3 == 1 && i == 1 {
            r["min_patrol"] = json!([{ "from": 1, "to": 3, "teams": 1 }]);
        }
        regions.push(r);
    }
    let posts = json!([
        { "id": "P0", "location": [118.78, 32.045], "capacity": 1 },
        { "id": "P1", "location": [118.80, 32.045] },
    ]);
    let volunteer = seed % 2 == 0;
    let mut teams = vec![
        json!({ "id": "T0", "kind": "patrol", "members": 5, "base": "R0", "speed_kmh": 5,
                "rules": "std" }),
        json!({ "id": "T1", "kind": "patrol", "volunteer": volunteer, "members": 5,
                "base": "R2", "speed_kmh": 5, "effectiveness": if volunteer { 0.5 } else { 1.0 },
                "rules": "std", "available": [[0, slots - 1]] }),
        json!({ "id": "M0", "kind": "mobile", "members": 6, "base": "P0", "speed_kmh": 30,
                "rules": "mob" }),
    ];
    if seed % 4 == 3 {
        teams.push(
            json!({ "id": "M1", "kind": "mobile", "members": 6, "base": "P1",
                           "speed_kmh": 20, "rules": "mob", "available": [[1, slots]] }),
        );
    }
    let file: Value = json!({
        "format": "patrolplan.instance.v1",
        "name": format!("tiny-{seed}"),
        "horizon": { "slot_minutes": 60, "slots": slots },
        "regions": regions,
        "posts": posts,
        "shift_rules": {
            "std": { "min_shift_slots": 2, "max_shift_slots": 3, "min_rest_slots": 1,
                     "max_work_slots": 4, "max_hop_minutes": 8 },
            "mob": { "min_shift_slots": 1 + (seed % 2), "max_shift_slots": 3,
                     "min_rest_slots": 2, "max_work_slots": 4, "max_hop_minutes": 8 },
        },
        "teams": teams,
        "objective": { "response_minutes": 2, "backup_minutes": 4 },
    });
    Instance::from_json(&file.to_string()).expect("test instance is valid")
}

fn bound_with(inst: &Instance, method: BoundMethod) -> f64 {
    let options = BoundOptions {
        time_limit: Duration::from_secs(30),
        method: Some(method),
    };
    compute_bound(inst, &options).expect("bound").bound
}

#[test]
fn bounds_are_at_least_the_exact_optimum() {
    for seed in 0..8 {
        let inst = tiny(seed);
        let (opt, plan) = mip::exhaustive_optimum(&inst).expect("the empty plan is feasible");
        assert!((mip::score(&inst, &plan) - opt).abs() < 1e-12);
        let tol = 1e-9 * opt.abs().max(1.0);
        let exact = bound_with(&inst, BoundMethod::ExactLp);
        let lagr = bound_with(&inst, BoundMethod::Lagrangian);
        let triv = bound_with(&inst, BoundMethod::Trivial);
        println!("seed {seed}: optimum {opt:.4}  exact_lp {exact:.4}  lagrangian {lagr:.4}  trivial {triv:.4}");
        assert!(
            exact >= opt - tol,
            "seed {seed}: exact LP {exact} < optimum {opt}"
        );
        assert!(
            lagr >= opt - tol,
            "seed {seed}: Lagrangian {lagr} < optimum {opt}"
        );
        assert!(
            triv >= opt - tol,
            "seed {seed}: trivial {triv} < optimum {opt}"
        );
        assert!(
            exact <= triv * (1.0 + 1e-9) + 1e-9,
            "seed {seed}: min() keeps the best"
        );
    }
}

/// Runs of consecutive working slots become shifts.
fn to_schedule(plan: &mip::SlotPlan) -> Schedule {
    let shifts = plan
        .iter()
        .map(|slots| {
            let mut out: Vec<Shift> = Vec::new();
            for (s, l) in slots.iter().enumerate() {
                match (l, out.last_mut()) {
                    (Some(l), Some(sh)) if sh.end() == s => sh.at.push(*l),
                    (Some(l), _) => out.push(Shift {
                        start: s,
                        at: vec![*l],
                    }),
                    (None, _) => {}
                }
            }
            out
        })
        .collect();
    Schedule { shifts }
}

#[test]
fn exhaustive_optimum_is_feasible_for_the_evaluator() {
    for seed in 0..8 {
        let inst = tiny(seed);
        let (opt, plan) = mip::exhaustive_optimum(&inst).unwrap();
        let eval = evaluate(&inst, &to_schedule(&plan));
        assert!(eval.feasible, "seed {seed}: {:?}", eval.violations);
        let total = eval.objective.total;
        assert!(
            (total - opt).abs() < 1e-9 * opt.max(1.0),
            "seed {seed}: {total} vs {opt}"
        );
    }
}

#[test]
fn mip_formulation_matches_exhaustive_search() {
    for seed in 0..8 {
        let inst = tiny(seed);
        let (opt, _) = mip::exhaustive_optimum(&inst).unwrap();
        let mip = mip::mip_optimum(&inst).expect("microlp solves tiny MIPs");
        assert!(
            (mip - opt).abs() < 1e-6 * opt.max(1.0),
            "seed {seed}: MIP {mip} vs exhaustive {opt}"
        );
    }
}

#[test]
fn exact_lp_is_no_looser_than_the_mip_relaxation() {
    for seed in 0..8 {
        let inst = tiny(seed);
        let model = build_exact(&inst);
        let simplex = backend::solve_lp(
            &model.lp,
            backend::Backend::Microlp,
            Duration::from_secs(30),
        )
        .expect("microlp LP");
        let relaxation = model.lp.objective(&simplex.x);
        let exact = bound_with(&inst, BoundMethod::ExactLp);
        assert!(
            exact <= relaxation + 1e-6 * relaxation.max(1.0),
            "seed {seed}: {exact} vs {relaxation}"
        );
        assert!(
            exact >= relaxation - 1e-6 * relaxation.max(1.0),
            "seed {seed}: {exact} vs {relaxation}"
        );
    }
}

#[test]
fn hand_instance_bound_and_guide() {
    let inst = patrolplan::load_instance("tests/data/hand.json").unwrap();
    let (opt, _) = mip::exhaustive_optimum(&inst).unwrap();
    let r = compute_bound(&inst, &BoundOptions::default()).unwrap();
    assert!(r.bound >= opt - 1e-9 * opt.max(1.0));
    if r.method == "exact" {
        // Small enough for the exact path: proven, the bound is the optimum.
        assert!(r.proven_optimal, "{:?}", r.components);
        assert!(
            (r.bound - opt).abs() <= 1e-9 * opt.max(1.0),
            "{} vs {opt}",
            r.bound
        );
        let sched = r.schedule.expect("a proof comes with its schedule");
        let referee = evaluate(&inst, &sched);
        assert!(referee.feasible);
        assert!((referee.objective.total - opt).abs() <= 1e-9 * opt.max(1.0));
        return;
    }
    assert!(
        r.method == "exact_lp" || r.method == "lagrangian",
        "{}",
        r.method
    );
    let g = r.guide.expect("exact LP has a guide");
    assert_eq!(g.presence.len(), inst.regions().len() * inst.slots());
    assert!(g.presence.iter().all(|&p| p >= 0.0));
    assert!(g.response.iter().all(|&c| (0.0..=1.0).contains(&c)));
}

/// Warm-started from the exact optimum itself (the best hint there is), the
/// Lagrangian bound is still at least that optimum.
#[test]
fn lagrangian_with_the_optimum_as_hint_stays_above_it() {
    use patrolplan::bound::compute_bound_with_hint;
    for seed in 0..8 {
        let inst = tiny(seed);
        let (opt, plan) = mip::exhaustive_optimum(&inst).expect("the empty plan is feasible");
        let hint = to_schedule(&plan);
        let options = BoundOptions {
            time_limit: Duration::from_secs(30),
            method: Some(BoundMethod::Lagrangian),
        };
        let b = compute_bound_with_hint(&inst, &options, Some(&hint))
            .expect("bound")
            .bound;
        let score = evaluate(&inst, &hint).objective.total;
        println!("seed {seed}: optimum {opt:.4}  hinted lagrangian {b:.4}");
        assert!(
            b >= opt - 1e-9 * opt.abs().max(1.0) && b >= score - 1e-9 * score.abs().max(1.0),
            "seed {seed}: hinted Lagrangian {b} < optimum {opt}"
        );
    }
}
