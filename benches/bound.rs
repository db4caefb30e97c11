//! Bound timing on the presets: `cargo bench --bench bound`. Reads `data/small.json`
//! and `data/nanjing.json` (skipping any that are missing; generate them with
//! `patrolplan generate --preset P --out data/P.json`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use patrolplan::bound::{compute_bound, BoundOptions};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("bound");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for preset in ["small", "nanjing"] {
        let path = format!("data/{preset}.json");
        let Ok(instance) = patrolplan::load_instance(&path) else {
            eprintln!("skipping {path}: not found or invalid");
            continue;
        };
        let options = BoundOptions {
            time_limit: Duration::from_secs(60),
            method: None,
        };
        let once = compute_bound(&instance, &options).expect("bound");
        eprintln!(
            "{preset}: bound {:.3} by {} in {} ms",
            once.bound, once.method, once.elapsed_ms
        );
        group.bench_function(preset, |b| {
            b.iter(|| compute_bound(black_box(&instance), &options).expect("bound"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
