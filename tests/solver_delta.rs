//! The incremental (delta) evaluation against a full recomputation and the evaluator,
//! over random move sequences.

use patrolplan::schedule::{evaluate, Schedule};
use patrolplan::search::accept::LateAcceptance;
use patrolplan::search::check::{assert_consistent, rule_breaches};
use patrolplan::search::context::Context;
use patrolplan::search::member::Member;
use patrolplan::search::ops::Scratch;
use patrolplan::search::state::State;
use patrolplan::search::stop::{AnyOf, Position};
use patrolplan::{load_instance, Instance};
use proptest::prelude::*;

fn tiny() -> Instance {
    load_instance(format!("{}/data/tiny.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn delta_evaluation_matches_recomputation_after_every_move(seed in 0u64..10_000, moves in 50u64..400) {
        let inst = tiny();
        let ctx = Context::new(&inst);
        let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
        patrolplan::search::construct::construct(&mut st, &mut Scratch::default(), None).unwrap();
        assert_consistent(&st, "after construction");
        let mut m = Member::new(st, seed, Box::new(LateAcceptance::new(50)));
        // Check the incremental aggregates and score from scratch after every move.
        m.full_assert_every = 1;
        let stop = AnyOf::default();
        m.run(moves, &stop, &Position::default());
        prop_assert!(rule_breaches(&m.st).is_empty());
        let mut schedule = Schedule::empty(&inst);
        m.st.write_into(&mut schedule);
        let eval = evaluate(&inst, &schedule);
        prop_assert!(eval.feasible, "{:?}", eval.violations);
        let tracked = m.st.score.total();
        prop_assert!((eval.objective.total - tracked).abs() <= 1e-9 * tracked.abs().max(1.0),
            "evaluator {} vs incremental {}", eval.objective.total, tracked);
    }
}
