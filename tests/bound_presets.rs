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
