//! The mobile teams' side of the plan (src/search/mobile.rs, mobile_timing.rs): the
//! polish of every slot's siting and the timing programme, checked against the
//! evaluator, the per-slot siting module, and for thread-count independence.

use patrolplan::schedule::{evaluate, Schedule};
use patrolplan::search::check::{assert_consistent, rule_breaches};
use patrolplan::search::context::{Context, NONE};
use patrolplan::search::mobile::{polish, reserve};
use patrolplan::search::mobile_timing::mobile_retime;
use patrolplan::search::ops::Scratch;
use patrolplan::search::state::State;
use patrolplan::search::stop::AnyOf;
use patrolplan::{load_instance, Instance, Solver};

fn data(path: &str) -> Instance {
    load_instance(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn constructed<'c>(ctx: &'c Context<'c>) -> State<'c> {
    let mut st = State::new(ctx, (0..ctx.inst.teams().len()).collect());
    patrolplan::search::construct::construct(&mut st, &mut Scratch::default(), &AnyOf::default())
        .unwrap();
    st
}

/// The evaluator's verdict on a state: feasible, and the same objective.
fn check_with_evaluator(inst: &Instance, st: &State, what: &str) {
    assert_consistent(st, what);
    assert!(rule_breaches(st).is_empty(), "{what}");
    let mut schedule = Schedule::empty(inst);
    st.write_into(&mut schedule);
    let eval = evaluate(inst, &schedule);
    assert!(eval.feasible, "{what}: {:?}", eval.violations);
    let tracked = st.score.total();
    assert!(
        (eval.objective.total - tracked).abs() <= 1e-9 * tracked.abs().max(1.0),
        "{what}: evaluator {} vs tracked {tracked}",
        eval.objective.total
    );
}

/// Polishing the construction of the small preset and of two irregular instances
/// (binding hop, posts of capacity 1-3): never worse, every rule kept, the evaluator
/// agrees, the gain reported is the gain made; the same posts on 1 and 3 threads.
#[test]
fn the_polish_keeps_every_rule_improves_and_does_not_depend_on_threads() {
    let mut gained = 0.0;
    for path in [
        "data/small.json",
        "tests/data/irregular/small-1.json",
        "tests/data/irregular/small-3.json",
    ] {
        let inst = data(path);
        let ctx = Context::new(&inst);
        let start = constructed(&ctx);
        let mut runs = Vec::new();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut st = start.clone();
            let out = pool.install(|| polish(&mut [&mut st], 7, None));
            assert!(st.score.total() >= start.score.total() - 1e-9, "{path}");
            assert!((st.score.total() - start.score.total() - out.gain).abs() < 1e-6);
            check_with_evaluator(&inst, &st, path);
            runs.push(st);
        }
        assert_eq!(
            runs[0].loc, runs[1].loc,
            "{path}: threads change the polish"
        );
        gained += runs[0].score.total() - start.score.total();
    }
    assert!(gained > 0.0, "the polish gained nothing on any instance");
}

/// The timing programme on instances whose hop rule binds (irregular small-1 and -3)
/// and on the small preset: every retimed plan keeps every rule (hop included, through
/// the route programme) and the evaluator scores what the state tracks.
#[test]
fn mobile_retime_keeps_every_rule_where_hops_bind() {
    for path in [
        "data/small.json",
        "tests/data/irregular/small-1.json",
        "tests/data/irregular/small-3.json",
    ] {
        let inst = data(path);
        let ctx = Context::new(&inst);
        let mut st = constructed(&ctx);
        let mut sc = Scratch::default();
        let mobile: Vec<usize> = (0..st.teams.len())
            .filter(|&li| !ctx.patrol[st.teams[li]])
            .collect();
        assert!(!mobile.is_empty(), "{path}");
        for round in 0..2 {
            for &li in &mobile {
                let before = st.score;
                st.begin();
                if mobile_retime(&mut st, &mut sc, li) {
                    st.commit();
                } else {
                    st.rollback(before);
                }
                check_with_evaluator(&inst, &st, &format!("{path} round {round} team {li}"));
            }
        }
        // Every mobile team still works somewhere it may.
        for &li in &mobile {
            assert!(
                (0..ctx.slots).any(|s| st.at(li, s) != NONE),
                "{path}: team {li} idle"
            );
        }
    }
}

/// The solver keeps time for the polish only where it runs: a component above the
/// small-component size with mobile teams (nanjing), and only in a timed run.
#[test]
fn the_polish_reserve_is_kept_only_for_large_components_in_timed_runs() {
    let soon = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let small = data("data/small.json");
    let ctx = Context::new(&small);
    assert!(reserve(&[constructed(&ctx)], Some(soon), 2).is_none());
    let nanjing = data("data/nanjing.json");
    let ctx = Context::new(&nanjing);
    let st = constructed(&ctx);
    assert!(reserve(std::slice::from_ref(&st), None, 2).is_none());
    let end = reserve(std::slice::from_ref(&st), Some(soon), 2).expect("a reserve");
    assert!(end < soon);
    assert!(soon - end <= std::time::Duration::from_millis(1_600));
}

/// An iteration-bounded solve of nanjing (one large component with 80 mobile teams:
/// the polish runs in full, untimed) gives the same schedule on 1, 2 and 8 threads, is
/// feasible by the evaluator, and the polish made a gain.
#[test]
fn nanjing_with_an_iteration_budget_is_reproducible_across_threads() {
    let inst = data("data/nanjing.json");
    let solve = |threads| {
        Solver::new(&inst)
            .seed(3)
            .iterations(2_000)
            .time_limit(None)
            .threads(threads)
            .solve()
            .unwrap()
    };
    let one = solve(1);
    assert_eq!(one.schedule, solve(2).schedule, "1 vs 2 threads");
    assert_eq!(one.schedule, solve(8).schedule, "1 vs 8 threads");
    let eval = evaluate(&inst, &one.schedule);
    assert!(eval.feasible);
    assert!((eval.objective.total - one.objective.total).abs() < 1e-6);
    let polish = one.stats.moves.named();
    let polish = polish.iter().find(|(n, _)| *n == "mobile_polish").unwrap();
    assert!(polish.1.applied > 0 && polish.1.gain > 0.0, "{polish:?}");
}

/// A budget of 0 iterations asks for the construction alone (the preset generator's
/// check of its requirements): the polish does not run then.
#[test]
fn no_polish_when_the_budget_is_zero() {
    let inst = data("data/nanjing.json");
    let out = Solver::new(&inst)
        .iterations(0)
        .time_limit(None)
        .threads(2)
        .solve()
        .unwrap();
    assert!(out
        .stats
        .moves
        .named()
        .iter()
        .all(|(name, _)| *name != "mobile_polish"));
}
