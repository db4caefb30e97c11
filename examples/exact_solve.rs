//! Runs the exact path on instance files and prints the outcome per component:
//! `cargo run --release --example exact_solve -- FILE... [--time-limit SECS]`.
//! The search's schedule (`--search SECS`, default 1 s) is the incumbent; the result is
//! re-scored by the evaluator. Environment knobs for experiments: `DUALIT` (multiplier
//! evaluations per search), `DUALSHARE`, `FORECAST` (`ExactOptions::forecast`, e.g. 3 as
//! in `solve`) and `GIVEUP` (`ExactOptions::give_up_gap`, e.g. 0.05 as in `solve`).

use std::time::{Duration, Instant};

use patrolplan::bound::exact::{solve_exact, ExactOptions};
use patrolplan::schedule::evaluate;
use patrolplan::{load_instance, Solver};

fn main() {
    let mut files = Vec::new();
    let mut limit = 10.0;
    let mut search = 1.0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--time-limit" => limit = args.next().and_then(|x| x.parse().ok()).expect("seconds"),
            "--search" => search = args.next().and_then(|x| x.parse().ok()).expect("seconds"),
            _ => files.push(a),
        }
    }
    for f in files {
        let inst = load_instance(std::path::Path::new(&f)).expect("valid instance");
        let t0 = Instant::now();
        let inc = if search > 0.0 {
            Solver::new(&inst)
                .seed(1)
                .threads(1)
                .time_limit(Some(Duration::from_secs_f64(search)))
                .solve()
                .ok()
                .map(|o| o.schedule)
        } else {
            None
        };
        let t1 = Instant::now();
        let inc_value = inc.as_ref().map(|s| evaluate(&inst, s).objective.total);
        let out = solve_exact(
            &inst,
            inc.as_ref(),
            &ExactOptions {
                time_limit: Duration::from_secs_f64(limit),
                dual_iterations: std::env::var("DUALIT")
                    .ok()
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(2000),
                dual_share: std::env::var("DUALSHARE")
                    .ok()
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(0.3),
                forecast: std::env::var("FORECAST").ok().and_then(|x| x.parse().ok()),
                give_up_gap: std::env::var("GIVEUP")
                    .ok()
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(f64::INFINITY),
                ..ExactOptions::default()
            },
        );
        let el = t1.elapsed().as_secs_f64();
        let referee = out.schedule.as_ref().map(|s| {
            let e = evaluate(&inst, s);
            (e.feasible, e.objective.total)
        });
        println!(
            "{f}: search {:.2}s -> {:?}; exact {el:.2}s: objective {:?} bound {:?} proven {} referee {:?}",
            (t1 - t0).as_secs_f64(),
            inc_value,
            out.objective,
            out.bound,
            out.proven_optimal,
            referee
        );
        for c in &out.components {
            println!("   {}", serde_json::to_string(c).unwrap());
        }
    }
}
