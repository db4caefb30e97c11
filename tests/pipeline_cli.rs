//! End-to-end: `patrolplan solve` runs the library pipeline and writes its summary
//! (objective, kpis, bound, gap, proven_optimal, baseline, solver times).

use std::process::Command;

use patrolplan::schedule::{evaluate, read_schedule};
use patrolplan::{load_instance, Pipeline};

const TINY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/tiny.json");

#[test]
fn solve_writes_the_pipeline_summary_and_the_same_schedule_as_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    let status = Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(["solve", TINY, "--out", out.to_str().unwrap()])
        .args([
            "--iterations",
            "3000",
            "--seed",
            "5",
            "--threads",
            "1",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let summary = &file["summary"];
    for key in [
        "objective",
        "kpis",
        "bound",
        "gap",
        "proven_optimal",
        "baseline",
        "solver",
    ] {
        assert!(!summary[key].is_null(), "summary lacks {key}: {summary}");
    }
    for key in ["elapsed_ms", "load_ms", "bound_ms", "search_ms"] {
        assert!(summary["solver"][key].is_u64(), "solver lacks {key}");
    }
    let inst = load_instance(TINY).unwrap();
    let schedule = read_schedule(&inst, &text).unwrap();
    let referee = evaluate(&inst, &schedule);
    assert!(referee.feasible);
    let total = summary["objective"]["total"].as_f64().unwrap();
    assert!((referee.objective.total - total).abs() <= 1e-9 * total.abs().max(1.0));
    let bound = summary["bound"].as_f64().unwrap();
    assert!(bound >= total - 1e-9);
    assert_eq!(
        summary["proven_optimal"].as_bool().unwrap(),
        (bound - total).abs() <= 1e-9 * total.abs().max(1.0)
    );

    // The library with the same settings writes the same teams. Without the bound: the
    // exact path's proof inside the bound stage has a deadline, so whether it replaces
    // the search's schedule depends on the machine's load; the search bounded by
    // iterations does not.
    let out2 = dir.path().join("plan2.json");
    let status = Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(["solve", TINY, "--out", out2.to_str().unwrap()])
        .args(["--iterations", "3000", "--seed", "5", "--threads", "1"])
        .args(["--quiet", "--no-bound"])
        .output()
        .unwrap();
    assert!(status.status.success());
    let text = std::fs::read_to_string(&out2).unwrap();
    let schedule = read_schedule(&inst, &text).unwrap();
    let lib = Pipeline::new(&inst)
        .seed(5)
        .threads(1)
        .iterations(Some(3000))
        .bound_share(None)
        .run()
        .unwrap();
    assert_eq!(lib.schedule.shifts, schedule.shifts);
    assert_eq!(
        lib.objective.total,
        evaluate(&inst, &schedule).objective.total
    );
}

/// A cancel pressed before the bound stage (here in the notice that announces it)
/// stops the large Lagrangian before its first evaluation and the run returns at once
/// with the best plan known, the baseline: the bound is then the trivial one, the
/// search never ran, and the stage times add up to at most the solve time.
#[test]
fn a_cancel_during_the_bound_stage_returns_the_baseline_with_a_valid_bound() {
    use patrolplan::bound::{compute_bound, BoundMethod, BoundOptions};
    use patrolplan::construct::baseline::baseline;
    use patrolplan::CancelToken;
    use std::time::Duration;

    let inst = load_instance(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanjing.json")).unwrap();
    let token = CancelToken::new();
    let pressed = token.clone();
    let out = Pipeline::new(&inst)
        .threads(2)
        .time_limit(Some(Duration::from_secs(600)))
        .cancel_token(token)
        .on_notice(move |text| {
            if text.starts_with("computing the upper bound") {
                pressed.cancel();
            }
        })
        .run()
        .expect("the baseline of nanjing is feasible");
    assert_eq!(out.stats.iterations, 0);
    assert_eq!(out.schedule.shifts, baseline(&inst).shifts);
    let referee = evaluate(&inst, &out.schedule);
    assert!(referee.feasible);
    assert_eq!(referee.objective.total, out.objective.total);
    let trivial = compute_bound(
        &inst,
        &BoundOptions {
            time_limit: Duration::from_secs(5),
            method: Some(BoundMethod::Trivial),
        },
    )
    .unwrap()
    .bound;
    let bound = out.bound.expect("a bound");
    assert!(bound >= out.objective.total);
    assert!(
        (bound - trivial).abs() <= 1e-9 * trivial,
        "bound {bound}, trivial {trivial}: the bound stage did not stop"
    );
    let t = out.timings;
    assert!(
        t.baseline_ms + t.bound_ms + t.search_ms <= t.solve_ms,
        "{t:?}"
    );
    assert!(t.bound_ms < 60_000, "{t:?}");
}

/// The stage times of a normal run add up to at most the solve time.
#[test]
fn the_stage_times_add_up() {
    let inst = load_instance(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanjing.json")).unwrap();
    let out = Pipeline::new(&inst)
        .threads(2)
        .time_limit(Some(std::time::Duration::from_secs(2)))
        .run()
        .unwrap();
    let t = out.timings;
    assert!(
        t.baseline_ms + t.bound_ms + t.search_ms <= t.solve_ms,
        "{t:?}"
    );
    assert!(out.stats.elapsed_ms <= t.search_ms, "{t:?} {:?}", out.stats);
    assert!(t.bound_ms > 0 && t.search_ms > 0, "{t:?}");
    // The outcome's score is the evaluator's (carried from the solver's check).
    let referee = evaluate(&inst, &out.schedule);
    assert!(referee.feasible);
    assert_eq!(referee.objective.total, out.objective.total);
}

/// On an instance small enough for the exact path (search, then the exact branch and
/// bound, then the search again), a cancel pressed as the exact stage starts stops it:
/// the run returns with the first search's plan, scored by the evaluator, and a bound
/// that is valid for it. Tiny preset seed 7 is not proven in 10 s, so without the
/// cancel the exact stage would run for its whole share (7.5 s of the 10 s).
#[test]
fn a_cancel_during_the_exact_stage_returns_the_search_plan_with_a_valid_bound() {
    use patrolplan::CancelToken;
    use std::time::Duration;

    let inst = load_instance(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/tiny_preset/tiny-7.json"
    ))
    .unwrap();
    let token = CancelToken::new();
    let pressed = token.clone();
    let announced = std::cell::Cell::new(false);
    let out = Pipeline::new(&inst)
        .threads(2)
        .seed(1)
        .time_limit(Some(Duration::from_secs(10)))
        .cancel_token(token)
        .on_notice(|text| {
            if text.starts_with("proving with the exact branch and bound") {
                announced.set(true);
                pressed.cancel();
            }
        })
        .run()
        .expect("the first search found a feasible plan");
    assert!(announced.get(), "the exact stage was not reached");
    // Not a speed target: the stage must stop at its first check of the button, far
    // inside the 7.5 s it would otherwise take (checked every 1,024 nodes).
    let t = out.timings;
    assert!(t.bound_ms < 5_000, "the exact stage did not stop: {t:?}");
    let referee = evaluate(&inst, &out.schedule);
    assert!(referee.feasible);
    assert_eq!(referee.objective.total, out.objective.total);
    let bound = out.bound.expect("a bound");
    assert!(bound >= out.objective.total - 1e-9 * bound.abs());
}
