//! `patrolplan solve INSTANCE --out FILE [--time-limit SECS] [--iterations N] [--seed N]
//! [--threads N]`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::{CommandResult, Failure};
use crate::model::load_instance;
use crate::report::atomic::write_atomic;
use crate::search::{SolveError, Solver};

/// Arguments of `solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Where to write the schedule (patrolplan.schedule.v1 JSON), atomically.
    #[arg(long)]
    out: PathBuf,
    /// Wall-clock limit in seconds (default 60 unless --iterations is given).
    #[arg(long)]
    time_limit: Option<f64>,
    /// Iteration budget per portfolio member; with --seed it makes the result
    /// reproducible whatever --threads is.
    #[arg(long)]
    iterations: Option<u64>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Solves, writes the schedule with its summary, prints the KPI table.
pub fn run(args: SolveArgs) -> CommandResult {
    let inst = load_instance(&args.instance)?;
    let time_limit = match (args.time_limit, args.iterations) {
        (Some(t), _) if !(t.is_finite() && t > 0.0) => {
            return Err(Failure::BadInput(anyhow::anyhow!(
                "--time-limit must be a positive number of seconds, got {t}"
            )))
        }
        (Some(t), _) => Some(Duration::from_secs_f64(t)),
        (None, Some(_)) => None,
        (None, None) => Some(Duration::from_secs(60)),
    };
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .expect("valid template"),
    );
    let mut solver = Solver::new(&inst)
        .seed(args.seed)
        .threads(args.threads)
        .time_limit(time_limit)
        .full_assert_every(0)
        .on_progress(|p| {
            let gap = p.gap.map_or("-".into(), |g| format!("{:.2}%", 100.0 * g));
            let bound = p.bound.map_or("-".into(), |b| format!("{b:.3}"));
            bar.set_message(format!(
                "objective {:.3}  bound {bound}  gap {gap}  iterations {}",
                p.objective, p.iterations
            ));
            bar.tick();
        });
    if let Some(n) = args.iterations {
        solver = solver.iterations(n);
    }
    let out = match solver.solve() {
        Ok(out) => out,
        Err(e @ SolveError::Infeasible(_)) => {
            bar.finish_and_clear();
            return Err(Failure::Unwanted(e.into()));
        }
        Err(e) => return Err(Failure::BadInput(e.into())),
    };
    bar.finish_and_clear();
    let teams: Vec<_> = inst
        .teams
        .iter()
        .enumerate()
        .filter(|(k, _)| !out.schedule.shifts[*k].is_empty())
        .map(|(k, t)| {
            let shifts: Vec<_> = out.schedule.shifts[k]
                .iter()
                .map(|sh| {
                    let at: Vec<&str> = sh
                        .at
                        .iter()
                        .map(|&l| inst.location_id(t.kind, l as usize))
                        .collect();
                    json!({"start": sh.start, "at": at})
                })
                .collect();
            json!({"id": t.id, "shifts": shifts})
        })
        .collect();
    let summary = json!({
        "objective": {
            "total": out.objective.total(),
            "presence": out.objective.presence,
            "response": out.objective.response,
            "backup": out.objective.backup,
        },
        "bound": out.bound,
        "gap": out.gap,
        "solver": {
            "seed": args.seed,
            "threads": out.stats.threads,
            "iterations": out.stats.iterations,
            "elapsed_ms": out.stats.elapsed_ms,
            "version": env!("CARGO_PKG_VERSION"),
        },
    });
    let file = json!({
        "format": "patrolplan.schedule.v1",
        "instance": inst.name,
        "teams": teams,
        "summary": summary,
    });
    let text = serde_json::to_string_pretty(&file)?;
    write_atomic(&args.out, text.as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "objective {:.4} (presence {:.4}, response {:.4}, backup {:.4}); constructed {:.4} in {} ms; {} iterations in {} ms",
        out.objective.total(),
        out.objective.presence,
        out.objective.response,
        out.objective.backup,
        out.stats.construct_objective,
        out.stats.construct_ms,
        out.stats.iterations,
        out.stats.elapsed_ms
    );
    Ok(ExitCode::SUCCESS)
}
