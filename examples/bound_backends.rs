//! Times microlp and clarabel on the exact LP of an instance:
//! `cargo run --release --example bound_backends -- data/tiny.json`.

use std::time::{Duration, Instant};

use patrolplan::bound::backend::{lp_bound, solve_lp, Backend};
use patrolplan::bound::exact_lp::build_exact;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/tiny.json".into());
    let inst = patrolplan::load_instance(&path).expect("instance");
    let model = build_exact(&inst);
    println!(
        "{path}: {} columns, {} rows, {} nonzeros",
        model.lp.cols(),
        model.lp.rows.len(),
        model.lp.nonzeros()
    );
    for backend in [Backend::Clarabel, Backend::Microlp] {
        let t = Instant::now();
        match solve_lp(&model.lp, backend, Duration::from_secs(120)) {
            Ok(sol) => println!(
                "{backend:?}: bound {:.6} in {} ms",
                lp_bound(&model.lp, &sol),
                t.elapsed().as_millis()
            ),
            Err(e) => println!(
                "{backend:?}: failed after {} ms: {e}",
                t.elapsed().as_millis()
            ),
        }
    }
}
