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
        patrolplan::search::construct::construct(&mut st, &mut Scratch::default(), &AnyOf::default()).unwrap();
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

mod every_move {
    use super::*;
    use patrolplan::search::neighbourhood::{MoveEnv, MOVES};
    use patrolplan::search::pair::PairScratch;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn small() -> Instance {
        load_instance(format!("{}/data/small.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// Applies random moves of kind `m` in strict or relaxed mode, keeping each at
    /// random; after every one the books are checked from scratch (aggregates, score,
    /// breach count, per-team rules) and the evaluator is asked: it must call the
    /// schedule feasible exactly when the state counts no breach, and score it the same.
    fn check_move(inst: &Instance, m: usize, relaxed: bool, seed: u64, moves: usize) {
        let ctx = Context::new(inst);
        let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
        let mut sc = Scratch::default();
        patrolplan::search::construct::construct(&mut st, &mut sc, &AnyOf::default()).unwrap();
        assert!(st.feasible(), "construction leaves breaches");
        st.relaxed = relaxed;
        st.penalty = 1.0;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut ps, mut teams) = (PairScratch::default(), Vec::new());
        let mut exact = patrolplan::search::moves::ExactSiting::default();
        for it in 0..moves {
            let li = rng.random_range(0..st.teams.len());
            let before = st.score;
            st.begin();
            let mut env = MoveEnv {
                sc: &mut sc,
                ps: &mut ps,
                rng: &mut rng,
                teams: &mut teams,
                exact: &mut exact,
            };
            let ok = MOVES[m].apply(&mut st, &mut env, li);
            if ok && rng.random_bool(0.7) {
                st.commit();
            } else {
                st.rollback(before);
            }
            let what = format!(
                "{} ({}) move {it}",
                MOVES[m].name(),
                if relaxed { "relaxed" } else { "strict" }
            );
            assert_consistent(&st, &what);
            let mut schedule = Schedule::empty(inst);
            st.write_into(&mut schedule);
            let eval = evaluate(inst, &schedule);
            assert_eq!(
                eval.feasible,
                st.feasible(),
                "{what}: {:?}",
                eval.violations
            );
            let tracked = st.score.total();
            assert!(
                (eval.objective.total - tracked).abs() <= 1e-9 * tracked.abs().max(1.0),
                "{what}: evaluator {} vs incremental {tracked}",
                eval.objective.total
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]

        #[test]
        fn every_move_matches_the_evaluator_strict_and_relaxed(seed in 0u64..10_000) {
            let (tiny, small) = (tiny(), small());
            for m in 0..MOVES.len() {
                for relaxed in [false, true] {
                    check_move(&tiny, m, relaxed, seed, 40);
                    check_move(&small, m, relaxed, seed, 15);
                }
            }
        }
    }
}
