//! Determinism (MODEL.md section 8): the same instance, seed and iteration budget give
//! the same schedule (every shift and location) whatever the thread count, for any
//! preset instance (`tiny`, `small`, any generator seed) and any solver seed.

use proptest::prelude::*;

use patrolplan::generate::{generate, Preset};
use patrolplan::{Instance, Solver};

fn solve(
    inst: &Instance,
    seed: u64,
    iterations: u64,
    threads: usize,
) -> patrolplan::schedule::Schedule {
    Solver::new(inst)
        .seed(seed)
        .iterations(iterations)
        .time_limit(None)
        .threads(threads)
        .solve()
        .expect("presets are feasible")
        .schedule
}

proptest! {
    // Each case is two or three short solves; a few cases keep `cargo test` cheap.
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn same_schedule_whatever_the_thread_count(
        small in any::<bool>(),
        instance_seed in 1u64..10_000,
        solver_seed in any::<u64>(),
        threads in prop::sample::select(vec![2usize, 8]),
    ) {
        let preset = if small { Preset::Small } else { Preset::Tiny };
        let inst = Instance::from_file_owned(generate(preset, instance_seed)).expect("presets are valid");
        let iterations = if small { 1_500 } else { 3_000 };
        let one = solve(&inst, solver_seed, iterations, 1);
        let many = solve(&inst, solver_seed, iterations, threads);
        prop_assert!(one == many, "{preset:?} seed {instance_seed}, solver seed {solver_seed}: 1 and {threads} threads differ");
    }
}
