//! `patrolplan baseline INSTANCE --out FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::memory::{load, MemoryArgs};
use super::output::write_file;
use super::CommandResult;
use crate::construct::baseline;
use crate::model::memory::Work;
use crate::schedule::{evaluate, schedule_file_json, to_schedule_file};

/// Arguments of `baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Where to write the schedule (written atomically).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    memory: MemoryArgs,
}

/// Writes the baseline schedule with a summary of its objective, KPIs and breaches.
pub fn run(args: BaselineArgs) -> CommandResult {
    let instance = load(&args.instance, &args.memory, Work::Baseline)?;
    let schedule = baseline(&instance);
    let eval = evaluate(&instance, &schedule);
    let summary = json!({
        "objective": eval.objective,
        "kpis": eval.kpis,
        "feasible": eval.feasible,
        "violations": eval.violations.len(),
        "method": "baseline",
        "version": env!("CARGO_PKG_VERSION"),
    });
    let file = to_schedule_file(&instance, &schedule, Some(summary));
    write_file(&args.out, schedule_file_json(&file).as_bytes())?;
    tell!(
        "baseline written to {}: objective {:.4} ({}, {} breach(es))",
        args.out.display(),
        eval.objective.total,
        if eval.feasible {
            "feasible"
        } else {
            "infeasible"
        },
        eval.violations.len()
    );
    Ok(ExitCode::SUCCESS)
}
