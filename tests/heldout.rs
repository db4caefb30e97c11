//! Known-answer tests on instances from a second generator (`scripts/heldout_tiny.py`
//! with `HARD=1`, written from MODEL.md alone, unlike the irregular family): 38 tiny
//! instances, 12-16 slots, fractional effectiveness on every patrol team, asymmetric
//! matrices with nulls, one to four presence marginals. Their optima were proven by
//! OR-Tools CP-SAT and re-scored by the peers' independent referee
//! (tests/data/heldout/known.json); two that CP-SAT did not close carry the best value
//! known instead.
//!
//! Every pipeline run under an iteration budget must be feasible by the evaluator, agree
//! with it, stay under its own bound, reach 99.5 % of the optimum, and its bound must not
//! fall below any known value (a bound below a feasible value would be a false proof).

use std::collections::BTreeMap;
use std::path::Path;

use patrolplan::schedule::evaluate;
use patrolplan::{Instance, Pipeline};
use serde_json::Value;

fn close_or_above(value: f64, reference: f64) -> bool {
    value >= reference - 1e-6 * reference.abs().max(1.0)
}

#[test]
fn heldout_instances_reach_their_optima_under_valid_bounds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/heldout");
    let known: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("known.json")).unwrap()).unwrap();
    assert!(known.len() >= 30, "the known values are missing");
    let (mut at_optimum, mut proven, mut with_optimum) = (0, 0, 0);
    let mut failures = Vec::new();
    for (name, entry) in &known {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let inst = Instance::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let run = Pipeline::new(&inst)
            .seed(1)
            .threads(2)
            .iterations(Some(3_000))
            .run()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let referee = evaluate(&inst, &run.schedule);
        assert!(referee.feasible, "{name}: {:?}", referee.violations.first());
        let total = referee.objective.total;
        assert!(
            (total - run.objective.total).abs() <= 1e-9 * total.abs().max(1.0),
            "{name}: the pipeline says {} and the evaluator {total}",
            run.objective.total
        );
        let bound = run.bound.expect("a bound is always computed");
        assert!(
            close_or_above(bound, total),
            "{name}: bound {bound} < own plan {total}"
        );
        if let Some(opt) = entry["optimum"].as_f64() {
            with_optimum += 1;
            if !close_or_above(bound, opt) {
                failures.push(format!(
                    "{name}: bound {bound} below the proven optimum {opt}"
                ));
            }
            if total < 0.995 * opt {
                failures.push(format!("{name}: {total} < 99.5 % of the optimum {opt}"));
            }
            if close_or_above(total, opt) {
                at_optimum += 1;
            }
            if run.proven_optimal {
                proven += 1;
                if (total - opt).abs() > 1e-6 * opt.abs().max(1.0) {
                    failures.push(format!("{name}: proven {total}, optimum {opt}"));
                }
            }
        } else {
            let best = entry["best_known"].as_f64().expect("optimum or best_known");
            if !close_or_above(bound, best) {
                failures.push(format!("{name}: bound {bound} below a known plan's {best}"));
            }
        }
    }
    eprintln!(
        "heldout: {at_optimum}/{with_optimum} at the proven optimum, {proven} proven optimal"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 9 in 10 at the optimum, as the issue asks of the irregular family.
    assert!(
        at_optimum * 10 >= with_optimum * 9,
        "only {at_optimum} of {with_optimum} at the optimum"
    );
}
