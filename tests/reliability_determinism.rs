//! Determinism (MODEL.md section 8): the same instance, seed and iteration budget give
//! the same schedule (every shift and location) whatever the thread count, for any
//! preset instance (`tiny`, `small`, any generator seed), any instance of the irregular
//! family (tests/common/irregular.rs, tiny or small, any seed) and any solver seed.

mod common;

use proptest::prelude::*;

use common::irregular;
use patrolplan::generate::{generate, Preset};
use patrolplan::schedule::Schedule;
use patrolplan::{Instance, Solver};

fn solve(inst: &Instance, seed: u64, iterations: u64, threads: usize) -> Schedule {
    Solver::new(inst)
        .seed(seed)
        .iterations(iterations)
        .time_limit(None)
        .threads(threads)
        .solve()
        .expect("presets and the irregular family are feasible")
        .schedule
}

/// Instance `source` (0 tiny preset, 1 small preset, 2 irregular tiny, 3 irregular
/// small) of generator seed `seed`.
fn instance(source: u8, seed: u64) -> Instance {
    match source {
        0 => Instance::from_file_owned(generate(Preset::Tiny, seed)),
        1 => Instance::from_file_owned(generate(Preset::Small, seed)),
        2 => Instance::from_json(&irregular::to_text(&irregular::generate(
            irregular::Size::Tiny,
            seed,
        ))),
        _ => Instance::from_json(&irregular::to_text(&irregular::generate(
            irregular::Size::Small,
            seed,
        ))),
    }
    .expect("generated instances are valid")
}

proptest! {
    // Each case is two short solves; a few cases keep `cargo test` cheap.
    #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn same_schedule_whatever_the_thread_count(
        source in 0u8..4,
        instance_seed in 1u64..10_000,
        solver_seed in any::<u64>(),
        threads in prop::sample::select(vec![2usize, 8]),
    ) {
        let inst = instance(source, instance_seed);
        let iterations = if source == 1 { 1_500 } else { 3_000 };
        let one = solve(&inst, solver_seed, iterations, 1);
        let many = solve(&inst, solver_seed, iterations, threads);
        prop_assert!(
            one == many,
            "source {source} seed {instance_seed}, solver seed {solver_seed}: 1 and {threads} threads differ"
        );
    }
}
