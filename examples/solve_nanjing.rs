//! Solves the nanjing preset from the library and prints its KPIs against the baseline.
//!
//! `cargo run --release --example solve_nanjing -- [SECONDS] [THREADS]`

use std::time::Duration;

use patrolplan::construct::baseline;
use patrolplan::schedule::evaluate;
use patrolplan::{load_instance, Solver};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().map_or(Ok(10.0), |a| a.parse())?;
    let threads: usize = args.next().map_or(Ok(2), |a| a.parse())?;
    let inst = load_instance(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanjing.json"))?;
    let out = Solver::new(&inst)
        .seed(1)
        .threads(threads)
        .time_limit(Some(Duration::from_secs_f64(secs)))
        .full_assert_every(0)
        .solve()?;
    let base = evaluate(&inst, &baseline(&inst));
    let s = &out.stats;
    println!(
        "first feasible {:.3} in {} ms; final {:.3} after {} iterations ({} moves) in {} ms",
        s.construct_objective,
        s.construct_ms,
        out.objective.total,
        s.iterations,
        s.moves_evaluated,
        s.elapsed_ms
    );
    println!(
        "moves evaluated per second per thread: {:.0}",
        s.moves_evaluated as f64
            / (s.elapsed_ms.saturating_sub(s.construct_ms).max(1) as f64 / 1000.0)
            / s.threads as f64
    );
    let show = |name: &str, a: Option<f64>, b: Option<f64>| {
        println!(
            "{name:<32} {:>10.4} {:>10.4}",
            a.unwrap_or(f64::NAN),
            b.unwrap_or(f64::NAN)
        );
    };
    println!("{:<32} {:>10} {:>10}", "", "solver", "baseline");
    show(
        "objective",
        Some(out.objective.total),
        Some(base.objective.total),
    );
    show(
        "meeting_rate",
        out.kpis.meeting_rate,
        base.kpis.meeting_rate,
    );
    show(
        "risk_coverage",
        out.kpis.risk_coverage,
        base.kpis.risk_coverage,
    );
    show(
        "response_coverage",
        out.kpis.response_coverage,
        base.kpis.response_coverage,
    );
    show(
        "backup_coverage",
        out.kpis.backup_coverage,
        base.kpis.backup_coverage,
    );
    show(
        "expected_preventable_incidents",
        out.kpis.expected_preventable_incidents,
        base.kpis.expected_preventable_incidents,
    );
    Ok(())
}
