//! `patrolplan solve INSTANCE --out FILE [--time-limit SECS] [--iterations N] [--seed N]
//! [--threads N]`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::memory::{check_solve, load, MemoryArgs};
use super::output::write_file;
use super::{CommandResult, Failure};
use crate::model::memory::Work;
use crate::pipeline::{
    Pipeline, PipelineError, PipelineOutcome, RunSettings, DEFAULT_BOUND_SHARE, DEFAULT_SEED,
    DEFAULT_THREADS,
};
use crate::report::{comparison_rows, render_comparison};
use crate::schedule::{schedule_file_json, to_schedule_file};
use crate::search::SolveError;

/// Arguments of `solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Where to write the schedule (patrolplan.schedule.v1 JSON), atomically.
    #[arg(long)]
    out: PathBuf,
    /// Wall-clock limit in seconds (default 60 unless --iterations is given); loading
    /// and writing are not counted. The bound stage gets 20 % of it first (up to 10 s
    /// when only --iterations is given). On instances small enough for the exact path:
    /// a search in the first 20 %, then the exact branch and bound from its schedule
    /// (up to 75 %; it stops when it proves the optimum), then the search again.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Iteration budget per portfolio member; with --seed it makes the result
    /// reproducible whatever --threads is.
    #[arg(long)]
    iterations: Option<u64>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = DEFAULT_THREADS)]
    threads: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Skip the upper bound (no gap is reported).
    #[arg(long)]
    no_bound: bool,
    /// Per-move statistics (tried, applied, accepted, improved, time) on stderr.
    #[arg(long)]
    verbose: bool,
    /// Share of the time limit given to the bound before the search starts.
    #[arg(long, default_value_t = DEFAULT_BOUND_SHARE)]
    bound_share: f64,
    #[command(flatten)]
    memory: MemoryArgs,
}

/// Solves, writes the schedule with its summary, prints the KPI table.
pub fn run(args: SolveArgs) -> CommandResult {
    // SIGINT and SIGTERM from here on stop the search, which writes its best schedule.
    let cancel = super::signals::cancel_on_signals();
    let time_limit = args.time_limit.map(super::time_limit_arg).transpose()?;
    super::bound_share_arg(args.bound_share)?;
    let loading = Instant::now();
    let work = Work::Solve {
        components: None,
        with_bound: false,
    };
    let inst = load(&args.instance, &args.memory, work)?;
    let with_bound = check_solve(&inst, &args.memory, !args.no_bound)?;
    let load_ms = loading.elapsed().as_millis() as u64;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .expect("valid template"),
    );
    let quiet = args.quiet;
    let pipeline = Pipeline::new(&inst)
        .settings(RunSettings {
            seed: args.seed,
            threads: args.threads,
            time_limit,
            iterations: args.iterations,
            no_improvement: None,
            bound_share: with_bound.then_some(args.bound_share),
            cancel,
        })
        .on_notice(|text| {
            if !quiet || text.starts_with("no bound") {
                tell!("{text}");
            }
        })
        .on_progress(|p| {
            let gap = p.gap.map_or("-".into(), |g| format!("{:.2}%", 100.0 * g));
            let bound = p.bound.map_or("-".into(), |b| format!("{b:.3}"));
            bar.set_message(format!(
                "objective {:.3}  bound {bound}  gap {gap}  iterations {}",
                p.objective, p.iterations
            ));
            bar.tick();
        });
    let out = match pipeline.run() {
        Ok(out) => out,
        Err(e) => {
            bar.finish_and_clear();
            return Err(match e {
                PipelineError::Settings(_) => Failure::BadInput(e.into()),
                PipelineError::Infeasible
                | PipelineError::Solve(SolveError::Infeasible(_))
                | PipelineError::Solve(SolveError::Internal(_))
                | PipelineError::Solve(SolveError::Stopped) => Failure::Unwanted(e.into()),
                PipelineError::Solve(_) => Failure::BadInput(e.into()),
            });
        }
    };
    bar.finish_and_clear();
    if args.verbose {
        eprint!("{}", out.stats.moves.render());
    }
    let summary = solve_summary(&out, args.seed, load_ms);
    let writing = Instant::now();
    let file = to_schedule_file(&inst, &out.schedule, Some(summary));
    write_file(&args.out, schedule_file_json(&file).as_bytes())?;
    let write_ms = writing.elapsed().as_millis();
    print_table(&out);
    say!(
        "times: load {load_ms} ms, solve {} ms (baseline {}, bound {}, search {}), write {write_ms} ms",
        out.timings.solve_ms, out.timings.baseline_ms, out.timings.bound_ms, out.timings.search_ms
    );
    Ok(ExitCode::SUCCESS)
}

/// The `summary` object of a solved schedule (MODEL.md section 8). Loading time is
/// reported apart from the solve time; the writing time cannot be inside the file it
/// times, so it is printed instead.
pub(crate) fn solve_summary(out: &PipelineOutcome, seed: u64, load_ms: u64) -> serde_json::Value {
    json!({
        "objective": out.objective,
        "kpis": out.kpis,
        "bound": out.bound,
        "gap": out.gap,
        "proven_optimal": out.proven_optimal,
        "baseline": { "objective": out.baseline.objective, "kpis": out.baseline.kpis },
        "solver": {
            "seed": seed,
            "threads": out.stats.threads,
            "iterations": out.stats.iterations,
            "elapsed_ms": out.timings.solve_ms,
            "load_ms": load_ms,
            "baseline_ms": out.timings.baseline_ms,
            "bound_ms": out.timings.bound_ms,
            "search_ms": out.timings.search_ms,
            "restarts": out.stats.restarts,
            "moves": out.stats.moves,
            "version": env!("CARGO_PKG_VERSION"),
        },
    })
}

fn print_table(out: &PipelineOutcome) {
    let (base, bk) = (&out.baseline.objective, &out.baseline.kpis);
    let s = &out.stats;
    say!(
        "first feasible in {} ms (objective {:.4}); {} iterations, {} moves evaluated in {} ms on {} thread(s)",
        s.construct_ms, s.construct_objective, s.iterations, s.moves_evaluated, s.elapsed_ms, s.threads
    );
    let gap = out.gap.map_or("-".into(), |g| format!("{:.3}%", 100.0 * g));
    let bound = out.bound.map_or("-".into(), |b| format!("{b:.4}"));
    say!("bound {bound}, gap {gap}");
    let rows = comparison_rows(&out.objective, &out.kpis, base, bk);
    say_raw!("{}", render_comparison(&rows, "solver", "baseline"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SolveArgs,
    }

    /// The CLI's defaults are the library's (`RunSettings::default()`).
    #[test]
    fn the_cli_defaults_are_the_library_defaults() {
        let a = Cli::parse_from(["solve", "i.json", "--out", "o.json"]).args;
        let lib = RunSettings::default();
        assert_eq!(a.seed, lib.seed);
        assert_eq!(a.threads, lib.threads);
        assert_eq!(Some(a.bound_share), lib.bound_share);
        assert_eq!(a.time_limit, None);
        assert_eq!(lib.time_limit, None);
        assert_eq!(
            lib.effective_time_limit(crate::pipeline::DEFAULT_TIME_LIMIT),
            Some(std::time::Duration::from_secs(60))
        );
    }
}
