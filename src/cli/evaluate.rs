//! `patrolplan evaluate INSTANCE SCHEDULE [--json]`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use super::{CommandResult, Failure};
use crate::construct::baseline;
use crate::model::load_instance;
use crate::schedule::{evaluate, evaluate_input, load_schedule_input, Evaluation, Kpis, Rule};

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
}

/// How many breaches of each rule the table lists before only counting.
const LISTED_PER_RULE: usize = 5;

/// Scores the schedule and lists every breach: exit 0 feasible, 1 infeasible, 2 bad input.
pub fn run(args: EvaluateArgs) -> CommandResult {
    let instance = load_instance(&args.instance)
        .with_context(|| format!("instance {}", args.instance.display()))
        .map_err(Failure::BadInput)?;
    let input = load_schedule_input(&instance, &args.schedule)
        .with_context(|| format!("schedule {}", args.schedule.display()))
        .map_err(Failure::BadInput)?;
    let eval = evaluate_input(&instance, &input);
    let base = evaluate(&instance, &baseline(&instance));
    if args.json {
        let mut value = serde_json::to_value(&eval)?;
        value["baseline"] =
            json!({ "objective": base.objective, "kpis": base.kpis, "feasible": base.feasible });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_table(&eval, &base);
    }
    Ok(if eval.feasible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.4}"))
}

fn row(name: &str, value: Option<f64>, base: Option<f64>) {
    let diff = match (value, base) {
        (Some(a), Some(b)) => format!("{:+.4}", a - b),
        _ => "-".into(),
    };
    println!(
        "  {name:<34} {:>14} {:>14} {:>12}",
        num(value),
        num(base),
        diff
    );
}

fn kpi_rows(k: &Kpis, b: &Kpis) {
    row("meeting_rate", k.meeting_rate, b.meeting_rate);
    row("risk_coverage", k.risk_coverage, b.risk_coverage);
    row(
        "response_coverage",
        k.response_coverage,
        b.response_coverage,
    );
    row("backup_coverage", k.backup_coverage, b.backup_coverage);
    row(
        "expected_preventable_incidents",
        k.expected_preventable_incidents,
        b.expected_preventable_incidents,
    );
    let kinds = [
        (
            "patrol_professional",
            k.personnel_hours.patrol_professional,
            b.personnel_hours.patrol_professional,
        ),
        (
            "volunteer",
            k.personnel_hours.volunteer,
            b.personnel_hours.volunteer,
        ),
        ("mobile", k.personnel_hours.mobile, b.personnel_hours.mobile),
    ];
    for (name, a, c) in kinds {
        row(&format!("personnel_hours.{name}"), Some(a), Some(c));
    }
    let util = [
        (
            "patrol_professional",
            k.utilisation.patrol_professional,
            b.utilisation.patrol_professional,
        ),
        (
            "volunteer",
            k.utilisation.volunteer,
            b.utilisation.volunteer,
        ),
        ("mobile", k.utilisation.mobile, b.utilisation.mobile),
    ];
    for (name, a, c) in util {
        row(&format!("utilisation.{name}"), a, c);
    }
    let spreads = [
        (
            "patrol_professional",
            k.worked_slots_spread.patrol_professional,
            b.worked_slots_spread.patrol_professional,
        ),
        (
            "volunteer",
            k.worked_slots_spread.volunteer,
            b.worked_slots_spread.volunteer,
        ),
        (
            "mobile",
            k.worked_slots_spread.mobile,
            b.worked_slots_spread.mobile,
        ),
    ];
    for (name, a, c) in spreads {
        row(
            &format!("worked_slots.{name}.min"),
            a.map(|s| s.min),
            c.map(|s| s.min),
        );
        row(
            &format!("worked_slots.{name}.median"),
            a.map(|s| s.median),
            c.map(|s| s.median),
        );
        row(
            &format!("worked_slots.{name}.max"),
            a.map(|s| s.max),
            c.map(|s| s.max),
        );
    }
}

fn print_table(eval: &Evaluation, base: &Evaluation) {
    println!(
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
    println!(
        "\n  {:<34} {:>14} {:>14} {:>12}",
        "", "schedule", "baseline", "difference"
    );
    let (o, b) = (&eval.objective, &base.objective);
    row("objective.total", Some(o.total), Some(b.total));
    row("objective.presence", Some(o.presence), Some(b.presence));
    row("objective.response", Some(o.response), Some(b.response));
    row("objective.backup", Some(o.backup), Some(b.backup));
    kpi_rows(&eval.kpis, &base.kpis);
    if eval.violations.is_empty() {
        return;
    }
    let mut by_rule: BTreeMap<Rule, Vec<_>> = BTreeMap::new();
    for v in &eval.violations {
        by_rule.entry(v.rule).or_default().push(v);
    }
    println!("\nbreaches by rule:");
    for (rule, list) in by_rule {
        println!("  {rule}: {}", list.len());
        for v in list.iter().take(LISTED_PER_RULE) {
            println!("    {v}");
        }
        if list.len() > LISTED_PER_RULE {
            println!(
                "    ... and {} more (--json lists every one)",
                list.len() - LISTED_PER_RULE
            );
        }
    }
}
