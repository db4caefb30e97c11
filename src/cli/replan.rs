//! `patrolplan replan INSTANCE SCHEDULE --events EVENTS --out FILE [--time-limit SECS]
//! [--iterations N] [--no-improvement N] [--seed N] [--no-bound] [--max-memory SIZE]` (MODEL.md sections 8 and 9), and the loading shared with
//! `evaluate --events --previous`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use serde_json::json;

use super::memory::{file_bytes, load, MemoryArgs};
use super::output::write_file;
use super::{CommandResult, Failure};
use crate::events::{parse_events, Events};
use crate::model::memory::Work;
use crate::model::{read_bounded, Instance};
use crate::pipeline::{Replanner, RunSettings, DEFAULT_BOUND_SHARE, DEFAULT_SEED};
use crate::replan::ReplanError;
use crate::schedule::{
    load_schedule_input, schedule_file_json, to_schedule_file, ReplanRules, Schedule,
};

/// Arguments of `replan`.
#[derive(Debug, Args)]
pub struct ReplanArgs {
    /// Instance file (patrolplan.instance.v1 JSON), as before the events.
    instance: PathBuf,
    /// The schedule being re-planned (patrolplan.schedule.v1 JSON).
    schedule: PathBuf,
    /// Events file (patrolplan.events.v1 JSON).
    #[arg(long)]
    events: PathBuf,
    /// Where to write the re-planned schedule, atomically.
    #[arg(long)]
    out: PathBuf,
    /// Wall-clock limit of the re-plan, bound included, in seconds (default 1 unless
    /// --iterations is given).
    #[arg(long)]
    time_limit: Option<f64>,
    /// Proposals of the re-optimisation; with --seed it makes the re-plan reproducible.
    #[arg(long)]
    iterations: Option<u64>,
    /// Stop the re-optimisation after this many proposals without a better plan.
    #[arg(long)]
    no_improvement: Option<u64>,
    /// Seed of the re-optimisation's random choices.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Skip the upper bound (no gap is reported).
    #[arg(long)]
    no_bound: bool,
    /// Share of the time limit given to the bound.
    #[arg(long, default_value_t = DEFAULT_BOUND_SHARE)]
    bound_share: f64,
    #[command(flatten)]
    memory: MemoryArgs,
}

/// Loads the previous schedule (bad input if it does not read cleanly against the
/// instance), the events (validated against both) and the updated instance.
pub(super) fn load_replan_inputs(
    instance: &Instance,
    previous: &Path,
    events: &Path,
) -> Result<(Schedule, (Events, ReplanRules), Instance), Failure> {
    let prev = load_schedule_input(instance, previous)
        .with_context(|| format!("previous schedule {}", previous.display()))
        .map_err(Failure::BadInput)?;
    let mut unread: Vec<String> = prev
        .unresolved
        .iter()
        .map(|u| {
            format!(
                "team {:?} slot {}: {:?} is not a location of the team's kind",
                instance.teams()[u.team].id,
                u.slot,
                u.id
            )
        })
        .collect();
    unread.extend(
        prev.unknown_teams
            .iter()
            .map(|t| format!("team {:?} is not in the instance", t.id)),
    );
    if !unread.is_empty() {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "previous schedule {} cannot be re-planned:\n  {}",
            previous.display(),
            unread.join("\n  ")
        )));
    }
    let text = read_bounded(events)
        .with_context(|| format!("events {}", events.display()))
        .map_err(Failure::BadInput)?;
    let parsed = parse_events(&text, instance, &prev.schedule)
        .with_context(|| format!("events {}", events.display()))
        .map_err(Failure::BadInput)?;
    let updated = parsed
        .apply(instance)
        .with_context(|| format!("events {}", events.display()))
        .map_err(Failure::BadInput)?;
    let rules = parsed.rules(prev.schedule.clone());
    Ok((prev.schedule, (parsed, rules), updated))
}

/// Re-plans, writes the new schedule with its summary.
pub fn run(args: ReplanArgs) -> CommandResult {
    // SIGINT and SIGTERM from here on stop the re-optimisation, which writes its best
    // re-plan.
    let cancel = super::signals::cancel_on_signals();
    let time_limit = args.time_limit.map(super::time_limit_arg).transpose()?;
    super::bound_share_arg(args.bound_share)?;
    let loading = Instant::now();
    let work = Work::Replan {
        input_bytes: file_bytes(&args.schedule).saturating_add(file_bytes(&args.events)),
        components: None,
    };
    let instance = load(&args.instance, &args.memory, work)?;
    let (previous, (events, _), _) = load_replan_inputs(&instance, &args.schedule, &args.events)?;
    let load_ms = loading.elapsed().as_millis() as u64;
    let settings = RunSettings {
        seed: args.seed,
        time_limit,
        iterations: args.iterations,
        no_improvement: args.no_improvement,
        bound_share: (!args.no_bound).then_some(args.bound_share),
        cancel,
        ..RunSettings::default()
    };
    let mut replanner = Replanner::new(instance, previous).with_settings(settings);
    let replan = match replanner.apply(&events) {
        Ok(r) => r,
        Err(e @ (ReplanError::Events(_) | ReplanError::Settings(_))) => {
            return Err(Failure::BadInput(e.into()))
        }
        Err(e @ (ReplanError::Infeasible(_) | ReplanError::Internal(_))) => {
            return Err(Failure::Unwanted(e.into()))
        }
    };
    if let Some(w) = &replan.bound_warning {
        tell!("{w}");
    }
    let updated = replanner.instance();
    let summary = json!({
        "objective": replan.objective_total,
        "bound": replan.bound,
        "gap": replan.gap,
        "proven_optimal": crate::pipeline::prove_optimal(replan.objective_total.total, replan.bound),
        "now": events.now,
        "changes": replan.changes,
        "changed_teams": replan.changed_teams,
        "max_changes": events.max_changes,
        "objective_before": replan.objective_before,
        "objective_after": replan.objective_after,
        "solver": {
            "seed": args.seed,
            "iterations": replan.improve.iterations,
            "relocations": replan.improve.relocations,
            "retimes": replan.improve.retimes,
            "elapsed_ms": replan.elapsed.as_millis() as u64,
            "first_feasible_ms": replan.first_feasible.as_millis() as u64,
            "move_ups": replan.move_ups,
            "load_ms": load_ms,
            "version": env!("CARGO_PKG_VERSION"),
        },
    });
    let file = to_schedule_file(updated, &replan.schedule, Some(summary));
    write_file(&args.out, schedule_file_json(&file).as_bytes())?;
    say!(
        "re-planned from slot {}: {} change(s) in {} team(s); objective from now on {:.4} -> {:.4}; {} ms",
        events.now,
        replan.changes,
        replan.changed_teams.len(),
        replan.objective_before.total,
        replan.objective_after.total,
        replan.elapsed.as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ReplanArgs,
    }

    /// The CLI's defaults are the library `Replanner`'s (`RunSettings::default()`, 1 s).
    #[test]
    fn the_cli_defaults_are_the_library_defaults() {
        let a = Cli::parse_from([
            "replan", "i.json", "s.json", "--events", "e.json", "--out", "o.json",
        ])
        .args;
        let lib = RunSettings::default();
        assert_eq!(a.seed, lib.seed);
        assert_eq!(Some(a.bound_share), lib.bound_share);
        assert_eq!(
            (a.time_limit, a.iterations, a.no_improvement),
            (None, None, None)
        );
        assert_eq!(
            (lib.time_limit, lib.iterations, lib.no_improvement),
            (None, None, None)
        );
        assert_eq!(
            lib.effective_time_limit(crate::pipeline::DEFAULT_REPLAN_TIME_LIMIT),
            Some(std::time::Duration::from_secs(1))
        );
    }
}
