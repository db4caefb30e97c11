//! Solver speed: one move's delta evaluation, one destroy-and-repair iteration,
//! construction on nanjing, and a fixed-iteration solve of small.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use patrolplan::search::construct::construct;
use patrolplan::search::context::{Context, NONE};
use patrolplan::search::moves::{destroy_repair, reroute};
use patrolplan::search::ops::Scratch;
use patrolplan::search::state::State;
use patrolplan::{load_instance, Instance, Solver};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn preset(name: &str) -> Instance {
    load_instance(format!("{}/data/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn built<'c>(ctx: &'c Context<'c>) -> State<'c> {
    let mut st = State::new(ctx, (0..ctx.inst.teams().len()).collect());
    construct(
        &mut st,
        &mut Scratch::default(),
        &patrolplan::search::stop::AnyOf::default(),
    )
    .unwrap();
    st
}

fn benches(c: &mut Criterion) {
    let nanjing = preset("nanjing");
    let ctx = Context::new(&nanjing);
    let mut st = built(&ctx);
    let patrol: Vec<usize> = (0..st.teams.len())
        .filter(|&li| ctx.patrol[st.teams[li]] && st.worked[li] > 0)
        .collect();

    // One slot of one team to another hop-reachable region and back: two delta updates.
    c.bench_function("nanjing/delta_set_one_slot", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let li = patrol[i % patrol.len()];
            i += 1;
            let s = (0..ctx.slots).find(|&s| st.at(li, s) != NONE).unwrap();
            let here = st.at(li, s);
            let other = *ctx.hop(st.teams[li], here).last().unwrap();
            let before = st.score;
            st.begin();
            st.set(li, s, other);
            black_box(st.score.total());
            st.rollback(before);
        })
    });

    c.bench_function("nanjing/reroute_move", |b| {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut sc = Scratch::default();
        let mut i = 0usize;
        b.iter(|| {
            let li = patrol[i % patrol.len()];
            i += 1;
            let before = st.score;
            st.begin();
            black_box(reroute(&mut st, &mut sc, &mut rng, li));
            st.rollback(before);
        })
    });

    c.bench_function("nanjing/destroy_repair_iteration", |b| {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut sc = Scratch::default();
        let mut buf = Vec::new();
        let mut i = 0usize;
        b.iter(|| {
            let li = patrol[i % patrol.len()];
            i += 1;
            let before = st.score;
            st.begin();
            black_box(destroy_repair(&mut st, &mut sc, &mut rng, li, 24, &mut buf));
            st.rollback(before);
        })
    });

    let mut group = c.benchmark_group("slow");
    group.sample_size(10);
    group.bench_function("nanjing/construct", |b| {
        b.iter(|| black_box(built(&ctx).score.total()))
    });
    let small = preset("small");
    group.bench_function("small/solve_20k_iterations", |b| {
        b.iter(|| {
            let out = Solver::new(&small)
                .seed(1)
                .iterations(20_000)
                .time_limit(None)
                .full_assert_every(0)
                .solve()
                .unwrap();
            black_box(out.objective.total)
        })
    });
    group.finish();
}

criterion_group!(solver, benches);
criterion_main!(solver);
