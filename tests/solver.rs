//! End-to-end solver tests: every schedule is re-scored by the evaluator (the referee).

use std::time::{Duration, Instant};

use patrolplan::construct::baseline;
use patrolplan::schedule::evaluate;
use patrolplan::search::CancelToken;
use patrolplan::{load_instance, Instance, Solver};

fn preset(name: &str) -> Instance {
    load_instance(format!("{}/data/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn assert_refereed(inst: &Instance, out: &patrolplan::SolveOutcome) {
    let eval = evaluate(inst, &out.schedule);
    assert!(
        eval.feasible,
        "infeasible: {:?}",
        &eval.violations[..eval.violations.len().min(5)]
    );
    let (a, b) = (eval.objective.total, out.objective.total);
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        "evaluator {a} vs reported {b}"
    );
    let t = out.stats.search_objective;
    assert!(
        (a - t).abs() <= 1e-9 * a.abs().max(1.0),
        "evaluator {a} vs search {t}"
    );
}

#[test]
fn tiny_and_small_solutions_are_feasible_and_scored_like_the_evaluator() {
    for name in ["tiny", "small"] {
        let inst = preset(name);
        let out = Solver::new(&inst)
            .seed(3)
            .iterations(3_000)
            .time_limit(None)
            .solve()
            .unwrap();
        assert_refereed(&inst, &out);
        let base = evaluate(&inst, &baseline(&inst));
        assert!(
            out.objective.total > base.objective.total,
            "{name}: solver {} not above baseline {}",
            out.objective.total,
            base.objective.total
        );
        assert!(out.objective.total >= out.stats.construct_objective - 1e-9);
    }
}

#[test]
fn hand_instance_meets_its_requirement() {
    let inst = Instance::from_json(include_str!("data/hand.json")).unwrap();
    let out = Solver::new(&inst)
        .iterations(500)
        .time_limit(None)
        .solve()
        .unwrap();
    assert_refereed(&inst, &out);
    // R1 needs one team in slots 1 and 2.
    for s in 1..3 {
        let there = (0..inst.teams().len())
            .filter(|&k| inst.teams()[k].kind == patrolplan::model::TeamKind::Patrol)
            .any(|k| out.schedule.location(k, s) == Some(0));
        assert!(there, "slot {s}");
    }
}

#[test]
fn same_seed_and_iterations_give_the_same_schedule_on_any_thread_count() {
    let inst = preset("small");
    let run = |threads| {
        Solver::new(&inst)
            .seed(11)
            .iterations(4_000)
            .time_limit(None)
            .threads(threads)
            .members(3)
            .solve()
            .unwrap()
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.schedule, b.schedule);
    assert_eq!(a.objective.total.to_bits(), b.objective.total.to_bits());
    let c = Solver::new(&inst)
        .seed(12)
        .iterations(4_000)
        .time_limit(None)
        .members(3)
        .solve()
        .unwrap();
    assert_refereed(&inst, &c);
}

#[test]
fn cancel_stops_a_running_solve_with_a_feasible_schedule() {
    let inst = preset("small");
    let token = CancelToken::new();
    let remote = token.clone();
    let started = Instant::now();
    let out = std::thread::scope(|s| {
        let h = s.spawn(|| {
            Solver::new(&inst)
                .time_limit(None)
                .iterations(u64::MAX / 4)
                .cancel_token(token)
                .solve()
        });
        std::thread::sleep(Duration::from_millis(300));
        remote.cancel();
        h.join().unwrap()
    })
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_refereed(&inst, &out);
}

#[test]
fn warm_start_from_the_baseline_is_repaired_and_improved() {
    let inst = preset("small");
    let base = baseline(&inst);
    let base_eval = evaluate(&inst, &base);
    let out = Solver::new(&inst)
        .warm_start(&base)
        .iterations(2_000)
        .time_limit(None)
        .solve()
        .unwrap();
    assert_refereed(&inst, &out);
    if base_eval.feasible {
        assert!(out.objective.total >= base_eval.objective.total - 1e-9);
    }
}

#[test]
fn progress_is_reported_and_objective_never_decreases() {
    let inst = preset("tiny");
    let mut seen = Vec::new();
    let out = Solver::new(&inst)
        .iterations(60_000)
        .time_limit(None)
        .on_progress(|p| seen.push(p.objective))
        .solve()
        .unwrap();
    assert!(seen.len() >= 2);
    assert!(seen.windows(2).all(|w| w[1] >= w[0] - 1e-9), "{seen:?}");
    assert!((seen.last().unwrap() - out.objective.total).abs() < 1e-9);
}

/// Runs in release builds (the README's `cargo test --release`); ignored in debug, where it is slow.
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn nanjing_solution_is_feasible() {
    let inst = preset("nanjing");
    let out = Solver::new(&inst)
        .iterations(20_000)
        .time_limit(None)
        .threads(2)
        .solve()
        .unwrap();
    assert_refereed(&inst, &out);
}

#[test]
fn an_unmeetable_requirement_is_reported_with_region_slot_and_cause() {
    // R1 needs a team in every slot, but T1 works at most 4 slots in a row with rest
    // after, and the volunteer is gone after slot 4 (and needs an escort anyway).
    let json = include_str!("data/hand.json").replace(
        "\"from\": 1, \"to\": 3, \"teams\": 1",
        "\"from\": 0, \"to\": 6, \"teams\": 1",
    );
    let inst = Instance::from_json(&json).unwrap();
    match Solver::new(&inst).iterations(100).time_limit(None).solve() {
        Err(patrolplan::SolveError::Infeasible(unmet)) => {
            assert_eq!(unmet[0].region, "R1");
            assert_eq!(unmet[0].slot, 4);
            assert!(unmet[0].cause.contains("busy"), "{}", unmet[0].cause);
        }
        other => panic!("expected an unmet requirement, got {other:?}"),
    }
}

/// On a small component every new best schedule a member records is credited to the
/// move that made it (`best`, `best_gain` in the per-move statistics): the credited gains
/// add up to what each member climbed from the construction, so over the members they
/// lie between the returned gain and members x that gain.
#[test]
fn new_bests_are_credited_to_the_moves_that_made_them() {
    let path = format!(
        "{}/tests/data/irregular/small-1.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let inst = load_instance(path).unwrap();
    let out = Solver::new(&inst)
        .seed(2)
        .iterations(3_000)
        .time_limit(None)
        .solve()
        .unwrap();
    assert_refereed(&inst, &out);
    let named = out.stats.moves.named();
    let bests: u64 = named.iter().map(|(_, c)| c.best).sum();
    let gain: f64 = named.iter().map(|(_, c)| c.best_gain).sum();
    let climbed = out.objective.total - out.stats.construct_objective;
    assert!(
        bests > 0 && climbed > 0.0,
        "no new best credited ({bests}, {climbed})"
    );
    let members = out.stats.members as f64;
    assert!(
        gain >= climbed - 1e-6 && gain <= members * climbed + 1e-6,
        "credited {gain} against climbed {climbed} with {members} members"
    );
    for (name, c) in &named {
        assert!(
            c.best <= c.applied,
            "{name}: {} bests of {} applied",
            c.best,
            c.applied
        );
    }
}
