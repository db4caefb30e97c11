//! Bounds on the preset instances against the evaluator's score of the baseline.

use std::time::Duration;

use patrolplan::bound::{compute_bound, BoundOptions};
use patrolplan::construct::baseline::baseline;
use patrolplan::schedule::evaluate::evaluate;

#[test]
fn preset_bounds_exceed_the_baseline_score() {
    for preset in ["tiny", "small", "nanjing"] {
        let inst = patrolplan::load_instance(format!("data/{preset}.json")).expect("preset");
        let options = BoundOptions {
            time_limit: Duration::from_secs(20),
            method: None,
        };
        let r = compute_bound(&inst, &options).expect("bound");
        let eval = evaluate(&inst, &baseline(&inst));
        let total = eval.objective.total;
        println!(
            "{preset}: bound {:.4} ({}, {} ms), baseline {total:.4} (feasible: {}), gap {:.1}%",
            r.bound,
            r.method,
            r.elapsed_ms,
            eval.feasible,
            100.0 * (r.bound - total) / r.bound
        );
        assert!(
            r.bound >= total * (1.0 - 1e-9),
            "{preset}: bound {} < baseline {total}",
            r.bound
        );
    }
}

/// The hinted bound is a bound too: never below the evaluator's total of a feasible
/// hint, nor of the baseline; and a hint that is not feasible (an empty plan with
/// shifts out of reach added) still gives a valid bound.
#[test]
fn hinted_bound_is_at_least_the_hint_score() {
    use patrolplan::bound::{compute_bound_with_hint, BoundMethod};
    use patrolplan::schedule::{Schedule, Shift};
    for preset in ["tiny", "small"] {
        let inst = patrolplan::load_instance(format!("data/{preset}.json")).expect("preset");
        let options = BoundOptions {
            time_limit: Duration::from_secs(20),
            method: Some(BoundMethod::Lagrangian),
        };
        let hint = baseline(&inst);
        let eval = evaluate(&inst, &hint);
        let r = compute_bound_with_hint(&inst, &options, Some(&hint)).expect("bound");
        if eval.feasible {
            assert!(r.bound >= eval.objective.total * (1.0 - 1e-9));
        }
        let mut junk = Schedule::empty(&inst);
        junk.shifts[0].push(Shift {
            start: 0,
            at: vec![u32::MAX, 0, 9999],
        });
        let r2 = compute_bound_with_hint(&inst, &options, Some(&junk)).expect("bound");
        for b in [r.bound, r2.bound] {
            assert!(
                b >= eval.objective.total * (1.0 - 1e-9) || !eval.feasible,
                "{preset}: hinted bound {b} < hint score {}",
                eval.objective.total
            );
        }
    }
}

/// Degenerate instances (no teams, no posts) get a valid bound and a solve, not a panic
/// in an LP backend that cannot take an empty model.
#[test]
fn degenerate_instances_do_not_panic() {
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/hand.json").unwrap()).unwrap();
    doc["teams"] = serde_json::json!([]);
    doc["regions"][0]["min_patrol"] = serde_json::json!([]);
    let inst = patrolplan::Instance::from_json(&doc.to_string()).expect("valid");
    let options = BoundOptions {
        time_limit: Duration::from_secs(5),
        method: None,
    };
    let r = compute_bound(&inst, &options).expect("bound");
    assert!(r.bound >= 0.0);
    let out = patrolplan::Solver::new(&inst)
        .iterations(100)
        .solve()
        .expect("solve");
    assert_eq!(out.objective.total, 0.0);
    assert!(evaluate(&inst, &out.schedule).feasible);
}
