//! `patrolplan baseline INSTANCE --out FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use super::{CommandResult, Failure};
use crate::construct::baseline;
use crate::model::load_instance;
use crate::schedule::{evaluate, to_schedule_file, write_schedule_file};

/// Arguments of `baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Where to write the schedule (written atomically).
    #[arg(long)]
    out: PathBuf,
}

/// Writes the baseline schedule with a summary of its objective, KPIs and breaches.
pub fn run(args: BaselineArgs) -> CommandResult {
    let instance = load_instance(&args.instance)
        .with_context(|| format!("instance {}", args.instance.display()))
        .map_err(Failure::BadInput)?;
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
    write_schedule_file(&args.out, &file)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
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
