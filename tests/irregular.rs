//! The solver on the irregular test family (tests/common/irregular.rs, docs/testing.md):
//! tiny instances unlike the presets, each with an optimum proven by several exact
//! methods (tests/data/irregular/optima.json), and pure maximal covering cases.
//!
//! Active: every solve is feasible by the evaluator, scored like it, and never above
//! the proven optimum (which would disprove the optimum); the stored files are the
//! generator's output; same schedule at 1, 2 and 8 threads. The quality thresholds of
//! issue 8 (>= 99.5 % of the optimum on all, the optimum on >= 90 %) are checked by
//! `family_quality`, and the covering optima by `covering_cases_at_their_known_optimum`
//! (both active since the search reaches them).

mod common;

use common::{irregular, known_optima, seed_of, Known};
use patrolplan::schedule::evaluate;
use patrolplan::{Instance, SolveOutcome, Solver};

/// Iterations per solve: fixed, so that a run is the same on every machine.
const ITERATIONS: u64 = 20_000;
/// Relative tolerance on objective comparisons.
const EPS: f64 = 1e-9;

fn solve(inst: &Instance, threads: usize, iterations: u64) -> SolveOutcome {
    try_solve(inst, threads, iterations).expect("the family's instances are feasible")
}

fn try_solve(
    inst: &Instance,
    threads: usize,
    iterations: u64,
) -> Result<SolveOutcome, patrolplan::SolveError> {
    Solver::new(inst)
        .seed(1)
        .threads(threads)
        .iterations(iterations)
        .time_limit(None)
        .solve()
}

/// Feasible by the evaluator, scored like it, and not above the proven optimum.
fn check_refereed(known: &Known, inst: &Instance, out: &SolveOutcome) -> Result<(), String> {
    let eval = evaluate(inst, &out.schedule);
    if !eval.feasible {
        return Err(format!(
            "{}: infeasible: {:?}",
            known.file,
            &eval.violations[..eval.violations.len().min(5)]
        ));
    }
    let (a, b) = (eval.objective.total, out.objective.total);
    if (a - b).abs() > EPS * a.abs().max(1.0) {
        return Err(format!("{}: evaluator {a} vs reported {b}", known.file));
    }
    if a > known.optimum * (1.0 + 1e-7) + 1e-9 {
        return Err(format!(
            "{}: solver {a} above the proven optimum {} ({:?}): the optimum is wrong",
            known.file, known.optimum, known.methods
        ));
    }
    Ok(())
}

/// The tiny instances with proven optima.
fn tiny_family() -> Vec<Known> {
    known_optima()
        .into_iter()
        .filter(|k| k.file.starts_with("tiny-"))
        .collect()
}

#[test]
fn stored_family_is_the_generators_output_and_has_60_proven_optima() {
    assert!(
        tiny_family().len() >= 60,
        "only {} proven tiny optima",
        tiny_family().len()
    );
    for k in &known_optima() {
        let fresh = match seed_of(&k.file) {
            (Some(size), seed) => irregular::to_text(&irregular::generate(size, seed)),
            (None, seed) => irregular::to_text(&irregular::covering(seed)),
        };
        assert_eq!(
            fresh, k.text,
            "{}: the generator no longer writes this file",
            k.file
        );
        assert!(
            k.methods.len() >= 2,
            "{}: proved by {:?} only",
            k.file,
            k.methods
        );
    }
}

#[test]
fn stored_small_instances_are_the_generators_output() {
    let mut names: Vec<String> = std::fs::read_dir(common::data_dir())
        .expect("tests/data/irregular")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("small-") && n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let text = std::fs::read_to_string(common::data_dir().join(&name)).expect("read");
        let (size, seed) = seed_of(&name);
        let fresh = irregular::to_text(&irregular::generate(size.expect("a size"), seed));
        assert_eq!(
            fresh, text,
            "{name}: the generator no longer writes this file"
        );
    }
}

#[test]
fn generated_instances_all_validate() {
    for seed in 1..=150 {
        for size in [irregular::Size::Tiny, irregular::Size::Small] {
            let text = irregular::to_text(&irregular::generate(size, seed));
            if let Err(e) = Instance::from_json(&text) {
                panic!("{}-{seed}: {e}", size.name());
            }
        }
        let text = irregular::to_text(&irregular::covering(seed));
        if let Err(e) = Instance::from_json(&text) {
            panic!("covering-{seed}: {e}");
        }
    }
}

/// Instances the solver refuses today ("no feasible schedule found") although each has
/// a proven optimum: the construction cannot place their `min_patrol` requirements
/// (two requirements of one region a few slots apart that only one shift of one team
/// can hold together). A ratchet, not an answer: a refusal outside this list fails
/// `every_family_solve_is_feasible_and_scored_like_the_evaluator`; `family_quality`
/// fails on every refusal. Remove entries as the solver learns them.
const REFUSED_TODAY: &[&str] = &[];

/// Every solve on the family, at `ITERATIONS`, 2 threads, seed 1: the ratio to the
/// optimum per instance (after checking feasibility and scoring; a refused instance
/// counts as ratio 0). Panics on a wrong schedule or score, and on a refusal of an
/// instance that `may_refuse` does not accept.
fn family_ratios(may_refuse: impl Fn(&str) -> bool) -> Vec<(String, f64, f64, f64)> {
    let mut failures = Vec::new();
    let mut ratios = Vec::new();
    for k in tiny_family() {
        let inst = Instance::from_json(&k.text).expect("stored instance is valid");
        // Every instance has a feasible schedule (its optimum): none may be refused.
        let out = match try_solve(&inst, 2, ITERATIONS) {
            Ok(out) => out,
            Err(e) => {
                if !may_refuse(&k.file) {
                    failures.push(format!("{}: no schedule: {e}", k.file));
                }
                ratios.push((k.file.clone(), 0.0, k.optimum, 0.0));
                continue;
            }
        };
        if let Err(e) = check_refereed(&k, &inst, &out) {
            failures.push(e);
        }
        let total = out.objective.total;
        let ratio = if k.optimum > 0.0 {
            total / k.optimum
        } else {
            1.0
        };
        ratios.push((k.file.clone(), total, k.optimum, ratio));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    ratios
}

#[test]
fn every_family_solve_is_feasible_and_scored_like_the_evaluator() {
    let ratios = family_ratios(|f| REFUSED_TODAY.contains(&f));
    let at_optimum = ratios.iter().filter(|r| r.3 >= 1.0 - 1e-7).count();
    let refused = ratios.iter().filter(|r| r.3 == 0.0).count();
    let worst = ratios
        .iter()
        .map(|r| r.3)
        .filter(|&r| r > 0.0)
        .fold(f64::INFINITY, f64::min);
    eprintln!(
        "irregular family: {at_optimum}/{} at the optimum, {refused} refused, worst ratio of \
         the others {worst:.4}",
        ratios.len()
    );
}

#[test]
fn family_quality() {
    let ratios = family_ratios(|_| true);
    let short: Vec<String> = ratios
        .iter()
        .filter(|r| r.3 < 1.0 - 1e-7)
        .map(|r| match r.3 {
            0.0 => format!("{}: refused (no feasible schedule found)", r.0),
            _ => format!("{}: {:.4} / {:.4} = {:.4}", r.0, r.1, r.2, r.3),
        })
        .collect();
    let at_optimum = ratios.len() - short.len();
    let below = ratios.iter().filter(|r| r.3 < 0.995).count();
    assert!(
        below == 0 && at_optimum * 10 >= ratios.len() * 9,
        "{at_optimum}/{} at the optimum, {below} below 99.5 %:\n{}",
        ratios.len(),
        short.join("\n")
    );
}

#[test]
fn same_schedule_at_1_2_and_8_threads() {
    // Every fourth instance of the family, a shorter budget: the determinism contract
    // holds for any budget.
    for k in tiny_family().iter().step_by(4) {
        let inst = Instance::from_json(&k.text).expect("stored instance is valid");
        let Ok(one) = try_solve(&inst, 1, 4_000) else {
            assert!(
                REFUSED_TODAY.contains(&k.file.as_str()),
                "{} refused",
                k.file
            );
            continue;
        };
        for threads in [2, 8] {
            let other = solve(&inst, threads, 4_000);
            assert_eq!(
                one.schedule, other.schedule,
                "{}: schedule differs at {threads} threads",
                k.file
            );
            assert_eq!(one.objective.total, other.objective.total);
        }
    }
}

/// Every covering case solved at `ITERATIONS`: feasible and scored like the evaluator
/// (panics otherwise); returns the cases below their known optimum.
fn covering_shortfalls() -> Vec<String> {
    // One slot, only mobile teams: maximal covering (with backup where its weight is
    // positive); the optimum is proven by CP-SAT and HiGHS (and exhaustive search where
    // small enough).
    let cases: Vec<Known> = known_optima()
        .into_iter()
        .filter(|k| k.file.starts_with("covering-"))
        .collect();
    assert!(cases.len() >= 6, "only {} covering cases", cases.len());
    let mut short = Vec::new();
    for k in &cases {
        let inst = Instance::from_json(&k.text).expect("stored instance is valid");
        let out = solve(&inst, 2, ITERATIONS);
        check_refereed(k, &inst, &out).unwrap_or_else(|e| panic!("{e}"));
        if out.objective.total < k.optimum * (1.0 - 1e-7) {
            short.push(format!(
                "{}: {:.4} / {:.4} = {:.4}",
                k.file,
                out.objective.total,
                k.optimum,
                out.objective.total / k.optimum
            ));
        }
    }
    short
}

/// Every covering case feasible, scored like the evaluator and at its known optimum, at
/// `ITERATIONS` (the exact siting's first solve closes each; see docs/siting.md).
#[test]
fn covering_cases_at_their_known_optimum() {
    let short = covering_shortfalls();
    assert!(
        short.is_empty(),
        "below the known optimum:\n{}",
        short.join("\n")
    );
}
