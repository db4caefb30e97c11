//! Greedy + swap against the proven optimum on random covering instances of the classic
//! sizes (55, 324, 818 demand points; every demand point a candidate site).
//!
//! `cargo run --release --example siting_gap [-- SECONDS_PER_INSTANCE]`

use std::time::{Duration, Instant};

use patrolplan::siting::random::{whole_problem, CoveringSpec};
use patrolplan::siting::{site_slot, slot_cover_value, solve_exact_report};

fn main() {
    let limit: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    println!("| n | p | backup w | greedy+swap | ms | optimum (bound) | proven | nodes | exact s | gap % |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let cases: [(usize, f64, &[usize]); 3] = [
        (55, 6.8, &[5, 10, 15]),
        (324, 3.5, &[10, 20, 30, 50]),
        (818, 2.5, &[10, 25, 50]),
    ];
    for backup in [0.0, 0.3] {
        for (n, km, ps) in cases {
            for &p in ps {
                let mut spec = CoveringSpec::mclp(n, p, km, 1);
                spec.backup_weight = backup;
                let inst = spec.instance();
                let problem = whole_problem(&inst);
                let t = Instant::now();
                let posts = site_slot(&problem, None);
                let ms = t.elapsed().as_secs_f64() * 1e3;
                let placed: Vec<_> = problem.teams.iter().map(|t| t.0).zip(posts).collect();
                let heur = slot_cover_value(&inst, 0, &placed);
                let out = solve_exact_report(&problem, Duration::from_secs(limit));
                let gap = (out.bound - heur) / out.bound * 100.0;
                println!(
                    "| {n} | {p} | {backup} | {heur:.1} | {ms:.1} | {:.1} ({:.1}) | {} | {} | {:.1} | {gap:.3} |",
                    out.value,
                    out.bound,
                    out.proven,
                    out.nodes,
                    out.elapsed.as_secs_f64()
                );
            }
        }
    }
}
