//! The exact path on the irregular family's tiny instances (`tests/data/irregular/`,
//! optima proven by OR-Tools CP-SAT, HiGHS, exhaustive search and microlp, recorded in
//! `optima.json`): each must be proven optimal within 10 s with the recorded value, its
//! schedule feasible for the evaluator with the same total, and `bound` must report
//! that optimum as the bound.

use std::time::Duration;

use patrolplan::bound::exact::{solve_exact, ExactOptions};
use patrolplan::bound::{compute_bound, BoundOptions};
use patrolplan::schedule::evaluate;

#[test]
fn tiny_family_is_proven_optimal_with_the_recorded_optimum() {
    let dir = std::path::Path::new("tests/data/irregular");
    let optima: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("optima.json")).unwrap()).unwrap();
    let mut checked = 0;
    for entry in optima["instances"].as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        if !file.starts_with("tiny-") {
            continue;
        }
        let values: Vec<f64> = entry["values"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|v| v.as_f64())
            .collect();
        let Some(&opt) = values.first() else { continue };
        let inst = patrolplan::load_instance(dir.join(file)).unwrap();
        let out = solve_exact(
            &inst,
            None,
            &ExactOptions {
                time_limit: Duration::from_secs(10),
                ..ExactOptions::default()
            },
        );
        assert!(
            out.proven_optimal,
            "{file}: not proven: {:?}",
            out.components
        );
        let value = out.objective.expect("feasible");
        let tol = 1e-6 * opt.abs().max(1.0);
        assert!(
            (value - opt).abs() <= tol,
            "{file}: exact {value} vs optimum {opt}"
        );
        let referee = evaluate(&inst, out.schedule.as_ref().unwrap());
        assert!(referee.feasible, "{file}: {:?}", referee.violations);
        assert!((referee.objective.total - value).abs() <= 1e-9 * value.abs().max(1.0));
        let b = compute_bound(
            &inst,
            &BoundOptions {
                time_limit: Duration::from_secs(10),
                method: None,
            },
        )
        .unwrap();
        assert!(b.proven_optimal, "{file}: bound not proven");
        assert!(
            (b.bound - opt).abs() <= tol,
            "{file}: bound {} vs {opt}",
            b.bound
        );
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} family instances");
}
