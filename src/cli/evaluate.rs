//! `patrolplan evaluate INSTANCE SCHEDULE [--events E --previous OLD] [--json]`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use super::memory::{file_bytes, load, MemoryArgs};
use super::replan::load_replan_inputs;
use super::{CommandResult, Failure};
use crate::construct::baseline;
use crate::model::memory::Work;
use crate::report::{comparison_rows, render_comparison};
use crate::schedule::{
    evaluate, evaluate_input, evaluate_replan, load_schedule_input, Evaluation, Rule,
};

/// Arguments of `evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Schedule file (patrolplan.schedule.v1 JSON).
    schedule: PathBuf,
    /// Print the evaluation as one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    memory: MemoryArgs,
    /// Events file (patrolplan.events.v1): judge SCHEDULE as a re-plan of --previous
    /// after these events (MODEL.md section 9).
    #[arg(long, requires = "previous")]
    events: Option<PathBuf>,
    /// The schedule that was re-planned (with --events).
    #[arg(long, requires = "events")]
    previous: Option<PathBuf>,
    /// Explain why a region is uncovered instead of scoring: REGION (its worst slots)
    /// or REGION@SLOT; lists the teams that could cover it and what they do instead.
    #[arg(long, value_name = "REGION[@SLOT]", conflicts_with_all = ["events", "json"])]
    explain: Option<String>,
}

/// The `--json` object: the evaluation's fields in contract order, then the baseline's.
#[derive(serde::Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    eval: &'a Evaluation,
    baseline: serde_json::Value,
}

/// How many breaches of each rule the table lists before only counting.
const LISTED_PER_RULE: usize = 5;

/// Scores the schedule and lists every breach: exit 0 feasible, 1 infeasible, 2 bad input.
pub fn run(args: EvaluateArgs) -> CommandResult {
    let work = Work::Evaluate {
        schedule_bytes: file_bytes(&args.schedule),
    };
    let instance = load(&args.instance, &args.memory, work)?;
    let (instance, eval) = match (&args.events, &args.previous) {
        (Some(events), Some(previous)) => {
            let (_, events, updated) = load_replan_inputs(&instance, previous, events)?;
            let input = load_schedule_input(&updated, &args.schedule)
                .with_context(|| format!("schedule {}", args.schedule.display()))
                .map_err(Failure::BadInput)?;
            let eval = evaluate_replan(&updated, &input, &events.1);
            (updated, eval)
        }
        _ => {
            let input = load_schedule_input(&instance, &args.schedule)
                .with_context(|| format!("schedule {}", args.schedule.display()))
                .map_err(Failure::BadInput)?;
            if let Some(target) = &args.explain {
                return super::report::explain(&instance, &input, target);
            }
            let eval = evaluate_input(&instance, &input);
            (instance, eval)
        }
    };
    let base = evaluate(&instance, &baseline(&instance));
    if args.json {
        let out = JsonOut {
            eval: &eval,
            baseline: json!({ "objective": base.objective, "kpis": base.kpis, "feasible": base.feasible }),
        };
        say!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_table(&eval, &base);
    }
    Ok(if eval.feasible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_table(eval: &Evaluation, base: &Evaluation) {
    say!(
        "{} ({} breach(es)); baseline {}",
        if eval.feasible {
            "FEASIBLE"
        } else {
            "INFEASIBLE"
        },
        eval.violations.len(),
        if base.feasible {
            "feasible"
        } else {
            "infeasible"
        }
    );
    let rows = comparison_rows(&eval.objective, &eval.kpis, &base.objective, &base.kpis);
    say!("\n{}", render_comparison(&rows, "schedule", "baseline"));
    if eval.violations.is_empty() {
        return;
    }
    let mut by_rule: BTreeMap<Rule, Vec<_>> = BTreeMap::new();
    for v in &eval.violations {
        by_rule.entry(v.rule).or_default().push(v);
    }
    say!("\nbreaches by rule:");
    for (rule, list) in by_rule {
        say!("  {rule}: {}", list.len());
        for v in list.iter().take(LISTED_PER_RULE) {
            say!("    {v}");
        }
        if list.len() > LISTED_PER_RULE {
            say!(
                "    ... and {} more (--json lists every one)",
                list.len() - LISTED_PER_RULE
            );
        }
    }
}
