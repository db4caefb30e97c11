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
use crate::bound::{compute_bound_with_hint, BoundError, BoundOptions};
use crate::construct::baseline;
use crate::model::load_instance;
use crate::report::{comparison_rows, render_comparison};
use crate::schedule::{evaluate, to_schedule_file, write_schedule_file, Kpis, ObjectiveParts};
use crate::search::{SolveError, SolveOutcome, Solver};

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
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Skip the upper bound (no gap is reported).
    #[arg(long)]
    no_bound: bool,
    /// Share of the time limit given to the bound before the search starts.
    #[arg(long, default_value_t = 0.2)]
    bound_share: f64,
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
    if !(0.0..1.0).contains(&args.bound_share) {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "--bound-share must be in [0, 1), got {}",
            args.bound_share
        )));
    }
    let started = std::time::Instant::now();
    let base_schedule = baseline(&inst);
    let bound = if args.no_bound {
        None
    } else {
        // Part of the budget goes to the bound, first, so that the search keeps both cores.
        let budget = time_limit.map_or(Duration::from_secs(10), |t| t.mul_f64(args.bound_share));
        if !args.quiet {
            eprintln!(
                "computing the upper bound (up to {:.1} s)...",
                budget.as_secs_f64()
            );
        }
        // The baseline is the bound's default price hint; built once, it is also the
        // summary's reference below.
        match compute_bound_with_hint(
            &inst,
            &BoundOptions {
                time_limit: budget,
                ..BoundOptions::default()
            },
            Some(&base_schedule),
        ) {
            Ok(b) => Some(b.bound),
            Err(BoundError::Infeasible) => {
                return Err(Failure::Unwanted(anyhow::anyhow!(
                    "no feasible schedule exists: a hard requirement can never be met"
                )))
            }
            Err(e) => {
                eprintln!("warning: no bound ({e}); the gap is not reported");
                None
            }
        }
    };
    let time_limit = time_limit.map(|t| {
        t.saturating_sub(started.elapsed())
            .max(Duration::from_millis(100))
    });
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
        .bound(bound)
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
        Err(e @ SolveError::Internal(_)) => return Err(Failure::Unwanted(e.into())),
        Err(e) => return Err(Failure::BadInput(e.into())),
    };
    bar.finish_and_clear();
    let base = evaluate(&inst, &base_schedule);
    let summary = json!({
        "objective": out.objective,
        "kpis": out.kpis,
        "bound": out.bound,
        "gap": out.gap,
        "baseline": { "objective": base.objective, "kpis": base.kpis },
        "solver": {
            "seed": args.seed,
            "threads": out.stats.threads,
            "iterations": out.stats.iterations,
            "elapsed_ms": out.stats.elapsed_ms,
            "version": env!("CARGO_PKG_VERSION"),
        },
    });
    let file = to_schedule_file(&inst, &out.schedule, Some(summary));
    write_schedule_file(&args.out, &file)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    print_table(&out, &base.objective, &base.kpis);
    Ok(ExitCode::SUCCESS)
}

fn print_table(out: &SolveOutcome, base: &ObjectiveParts, bk: &Kpis) {
    let s = &out.stats;
    println!(
        "first feasible in {} ms (objective {:.4}); {} iterations, {} moves evaluated in {} ms on {} thread(s)",
        s.construct_ms, s.construct_objective, s.iterations, s.moves_evaluated, s.elapsed_ms, s.threads
    );
    let gap = out.gap.map_or("-".into(), |g| format!("{:.3}%", 100.0 * g));
    let bound = out.bound.map_or("-".into(), |b| format!("{b:.4}"));
    println!("bound {bound}, gap {gap}");
    let rows = comparison_rows(&out.objective, &out.kpis, base, bk);
    print!("{}", render_comparison(&rows, "solver", "baseline"));
}
