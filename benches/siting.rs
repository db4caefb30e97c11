//! Speed of the siting heuristics on classic covering sizes.

use criterion::{criterion_group, criterion_main, Criterion};
use patrolplan::siting::random::{whole_problem, CoveringSpec};
use patrolplan::siting::{move_up, site_slot, CoverCounts};

fn bench_siting(c: &mut Criterion) {
    for (demand, facilities, km) in [(55, 10, 6.8), (324, 30, 3.5), (818, 50, 2.5)] {
        let mut spec = CoveringSpec::mclp(demand, facilities, km, 1);
        spec.backup_weight = 0.3;
        let inst = spec.instance();
        let problem = whole_problem(&inst);
        c.bench_function(&format!("site_slot {demand}x{facilities}"), |b| {
            b.iter(|| site_slot(&problem, None))
        });
        let posts = site_slot(&problem, None);
        let placed: Vec<_> = problem.teams.iter().map(|t| t.0).zip(posts).collect();
        c.bench_function(&format!("move_up {demand}x{facilities}"), |b| {
            b.iter(|| move_up(&inst, 0, &placed, placed[0].0, 3))
        });
        let counts = CoverCounts::with_placed(&inst, 0, &placed);
        c.bench_function(
            &format!("delta_move all posts {demand}x{facilities}"),
            |b| {
                b.iter(|| {
                    (0..inst.posts().len() as u32)
                        .map(|p| counts.delta_move(placed[0].0, p))
                        .fold(f64::MIN, f64::max)
                })
            },
        );
    }
}

criterion_group!(benches, bench_siting);
criterion_main!(benches);
