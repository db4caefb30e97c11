//! `patrolplan report INSTANCE SCHEDULE --out FILE.html`: the plan for people.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::memory::{file_bytes, MemoryArgs};
use super::{CommandResult, Failure};
use crate::bound::{compute_bound_with_hint, BoundOptions};
use crate::construct::baseline;
use crate::model::memory::{check_instance, Work};
use crate::model::{read_bounded, Instance};
use crate::report::explain::{
    explain as explain_cell, parse_target, render_text, uncovered_slots_of,
};
use crate::report::html::{render, BoundInfo, ReportInput};
use crate::report::Clock;
use crate::schedule::{
    evaluate, evaluate_input_detailed, parse_schedule_file, resolve_schedule_file, ScheduleInput,
};

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Schedule file (patrolplan.schedule.v1 JSON).
    schedule: PathBuf,
    /// Output HTML file (written atomically).
    #[arg(long)]
    out: PathBuf,
    /// How many uncovered region-slots to explain.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// When the schedule's summary has no bound, compute one within this many seconds
    /// (0: show no bound).
    #[arg(long, default_value_t = 5.0)]
    bound_time_limit: f64,
    #[command(flatten)]
    memory: MemoryArgs,
}

/// A schedule file read for reporting: the resolved schedule and the summary's claims.
pub(super) struct Loaded {
    pub instance: Instance,
    pub input: ScheduleInput,
    pub summary: Option<serde_json::Value>,
}

/// Loads the instance within the memory limit of reading, scoring and writing out
/// `schedule` ([`Work::Report`]), and the schedule, keeping the schedule's summary (bad
/// input or too large: exit 2).
pub(super) fn load(
    instance: &Path,
    schedule: &Path,
    memory: &MemoryArgs,
) -> Result<Loaded, Failure> {
    let work = Work::Report {
        schedule_bytes: file_bytes(schedule),
        with_bound: false,
    };
    let inst = super::memory::load(instance, memory, work).map_err(|f| match f {
        Failure::BadInput(e) => {
            Failure::BadInput(e.context(format!("instance {}", instance.display())))
        }
        other => other,
    })?;
    let parsed = read_bounded(schedule)
        .map_err(anyhow::Error::from)
        .and_then(|json| parse_schedule_file(&json).map_err(anyhow::Error::from))
        .and_then(|file| {
            let input = resolve_schedule_file(&inst, &file)?;
            Ok((input, file.summary))
        })
        .with_context(|| format!("schedule {}", schedule.display()))
        .map_err(Failure::BadInput)?;
    Ok(Loaded {
        instance: inst,
        input: parsed.0,
        summary: parsed.1,
    })
}

/// Writes the report; exit 0 also for an infeasible schedule (its breaches are listed).
pub fn run(args: ReportArgs) -> CommandResult {
    if !(args.bound_time_limit >= 0.0 && args.bound_time_limit.is_finite()) {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "--bound-time-limit must be a number of seconds >= 0"
        )));
    }
    let Loaded {
        instance,
        input,
        summary,
    } = load(&args.instance, &args.schedule, &args.memory)?;
    let (eval, detail) = evaluate_input_detailed(&instance, &input);
    let base_schedule = baseline(&instance);
    let base = evaluate(&instance, &base_schedule);
    let summary_bound = summary
        .as_ref()
        .and_then(|s| s.get("bound"))
        .and_then(serde_json::Value::as_f64);
    let summary_total = summary
        .as_ref()
        .and_then(|s| s.pointer("/objective/total"))
        .and_then(serde_json::Value::as_f64);
    let bound = match summary_bound {
        Some(b) => Some(BoundInfo {
            bound: b,
            source: "the schedule's summary (computed by the solver that wrote it)".into(),
        }),
        None if args.bound_time_limit > 0.0 && !bound_fits(&instance, &args) => None,
        None if args.bound_time_limit > 0.0 => {
            let options = BoundOptions {
                time_limit: Duration::from_secs_f64(args.bound_time_limit),
                method: None,
            };
            match compute_bound_with_hint(&instance, &options, Some(&input.schedule)) {
                Ok(b) => Some(BoundInfo {
                    bound: b.bound,
                    source: format!(
                        "computed for this report: {} in {:.1} s (--bound-time-limit {})",
                        b.method,
                        b.elapsed_ms as f64 / 1000.0,
                        args.bound_time_limit
                    ),
                }),
                Err(e) => {
                    tell!("note: no bound: {e}");
                    None
                }
            }
        }
        None => None,
    };
    let html = render(&ReportInput {
        instance: &instance,
        input: &input,
        eval: &eval,
        detail: &detail,
        baseline: &base,
        bound: bound.as_ref(),
        summary_total,
        top: args.top,
    });
    super::output::write_file(&args.out, html.as_bytes())?;
    tell!(
        "wrote {} ({} bytes); schedule {} with {} breach(es)",
        args.out.display(),
        html.len(),
        if eval.feasible {
            "feasible"
        } else {
            "infeasible"
        },
        eval.violations.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// How many of a region's uncovered slots `evaluate --explain REGION` explains.
const EXPLAINED_SLOTS: usize = 3;

/// `evaluate --explain REGION[@SLOT]`: prints why the region-slot (or the region's
/// riskiest uncovered slots) has no patrol or no response cover. Exit 0; 2 for an
/// unknown region or a slot outside the horizon.
pub(super) fn explain(instance: &Instance, input: &ScheduleInput, target: &str) -> CommandResult {
    let (r, slot) =
        parse_target(instance, target).map_err(|m| Failure::BadInput(anyhow::anyhow!(m)))?;
    let (_, detail) = evaluate_input_detailed(instance, input);
    let clock = Clock::new(instance);
    let slots = match slot {
        Some(s) => vec![s],
        None => uncovered_slots_of(instance, &detail, r, EXPLAINED_SLOTS),
    };
    let mut out = String::new();
    if slots.is_empty() {
        out.push_str(&format!(
            "{}: every slot with risk is patrolled and within the response standard\n",
            instance.regions()[r].id
        ));
    }
    for s in slots {
        out.push_str(&render_text(
            instance,
            &clock,
            &explain_cell(instance, &detail, r, s),
        ));
    }
    use std::io::Write;
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// Whether computing a bound for the report fits the memory limit; when not, the report
/// goes on without one (with a note).
fn bound_fits(instance: &Instance, args: &ReportArgs) -> bool {
    let Some(limit) = args.memory.limit() else {
        return true;
    };
    let work = Work::Report {
        schedule_bytes: file_bytes(&args.schedule),
        with_bound: true,
    };
    match check_instance(instance, &work, limit) {
        Ok(_) => true,
        Err(e) => {
            tell!(
                "note: no bound: it would need about {}, more than the limit of {}",
                crate::model::memory::human(e.needed),
                crate::model::memory::human(limit)
            );
            false
        }
    }
}
