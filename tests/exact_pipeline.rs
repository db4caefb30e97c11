//! `solve`'s pipeline ([`patrolplan::pipeline::Pipeline`], the library run behind
//! `patrolplan solve`) proves the optimum of tiny instances, with the value the
//! independent solvers proved:
//! - the irregular family's tiny instances (`tests/data/irregular/`, optima by CP-SAT,
//!   HiGHS, exhaustive search and microlp in `optima.json`);
//! - the tiny preset's seeds that close within the work budget
//!   (`tests/data/tiny_preset/`, optima by HiGHS in `optima.json`).
//!
//! Each run has an iteration budget and no time limit, so the search and the exact
//! path stop by work counts: the outcome is the same on every machine and load (no
//! clock in the test). The schedule is re-scored by the evaluator.

use patrolplan::pipeline::Pipeline;
use patrolplan::schedule::evaluate;

/// Tiny preset seeds proven within the work budget (`bound::WORK_LIMITED_NODES`);
/// seeds 5, 7, 8 and 10 need more nodes, and seed 6 is proven (11.791348) but HiGHS did
/// not prove its optimum in 60 s, so there is no independent value (docs/exact.md).
const PRESET_PROVEN: [u64; 5] = [1, 2, 3, 4, 9];

/// Runs the pipeline with `iterations` per portfolio member and checks that it proves
/// `opt`.
fn proves(name: &str, inst: &patrolplan::model::Instance, iterations: u64, opt: f64) {
    let out = Pipeline::new(inst)
        .seed(1)
        .threads(1)
        .iterations(Some(iterations))
        .run()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let tol = 1e-6 * opt.abs().max(1.0);
    assert!(
        out.proven_optimal,
        "{name}: not proven: total {} bound {:?} ({:?})",
        out.objective.total, out.bound, out.bound_method
    );
    assert!(
        (out.objective.total - opt).abs() <= tol,
        "{name}: proven {} vs the independent optimum {opt}",
        out.objective.total
    );
    assert_eq!(out.gap.map(|g| g.abs() <= 1e-9), Some(true), "{name}");
    let referee = evaluate(inst, &out.schedule);
    assert!(referee.feasible, "{name}: {:?}", referee.violations);
    assert_eq!(referee.objective.total, out.objective.total, "{name}");
}

#[test]
fn solve_proves_the_tiny_family_and_preset_with_the_independent_optima() {
    let mut proven = 0;
    let dir = std::path::Path::new("tests/data/irregular");
    let optima: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("optima.json")).unwrap()).unwrap();
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
        // Infeasible instances have no recorded value.
        let Some(&opt) = values.first() else { continue };
        let inst = patrolplan::load_instance(dir.join(file)).unwrap();
        proves(file, &inst, 5_000, opt);
        proven += 1;
    }
    let text = std::fs::read_to_string("tests/data/tiny_preset/optima.json").unwrap();
    let preset: serde_json::Value = serde_json::from_str(&text).unwrap();
    for seed in PRESET_PROVEN {
        let entry = preset["seeds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["seed"].as_u64() == Some(seed))
            .unwrap();
        assert_eq!(entry["proven_optimal"].as_bool(), Some(true), "seed {seed}");
        let opt = entry["objective"].as_f64().unwrap();
        let name = format!("tiny preset seed {seed}");
        let inst =
            patrolplan::load_instance(format!("tests/data/tiny_preset/tiny-{seed}.json")).unwrap();
        proves(&name, &inst, 20_000, opt);
        proven += 1;
    }
    assert!(proven >= 60, "only {proven} tiny instances proven");
}

/// With an iteration budget the proven schedule is the same at any thread count.
#[test]
fn the_proven_schedule_does_not_depend_on_the_threads() {
    let inst = patrolplan::load_instance("tests/data/tiny_preset/tiny-3.json").unwrap();
    let run = |threads| {
        Pipeline::new(&inst)
            .seed(7)
            .threads(threads)
            .iterations(Some(20_000))
            .run()
            .unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert!(one.proven_optimal && two.proven_optimal);
    assert_eq!(one.schedule, two.schedule);
}

/// Irregular small-4: the exact path gives its patrol component up after the first
/// round (more than 5 % from proven), and `solve` still reports the tight bound the
/// exact path has: the multiplier search from the best plan's prices runs for the
/// bound alone (before: solve's bound 481.9-488.9, against 471.6 by `bound`). The
/// bound stays at least the best schedule known (460.319, found by `solve`) and the
/// pipeline's own total. Work budgets, no clock.
#[test]
fn solve_reports_the_tight_bound_of_a_component_it_gave_up() {
    let inst = patrolplan::load_instance("tests/data/irregular/small-4.json").unwrap();
    let out = Pipeline::new(&inst)
        .seed(1)
        .threads(1)
        .iterations(Some(3_000))
        .run()
        .unwrap();
    let bound = out.bound.expect("a bound");
    let total = out.objective.total;
    assert!(
        bound >= 460.319 && bound >= total - 1e-9,
        "{bound} vs {total}"
    );
    assert!(bound <= 476.0, "solve's bound {bound} is loose");
    let referee = evaluate(&inst, &out.schedule);
    assert!(referee.feasible && (referee.objective.total - total).abs() <= 1e-9 * total);
}
