//! The outcome measures on the grid presets, with the same manpower: the hand-made
//! baseline against the plan of a timed solve, side by side, with the proven bound and
//! gap, and relaxation bounds on how far the meeting rate and the expected preventable
//! incidents could move at all.
//!
//! ```text
//! cargo run --release --example grid_outcome -- [--time-limit SECS] [--threads N]
//!     [--preset nanjing-grid|jiangsu-grid|both] [--seed N]
//! ```
//!
//! Defaults: 60 s, 2 threads, both presets, seed 1. Like `patrolplan solve`, a fifth of
//! the time goes to the bound first, the rest to the search. The instance is generated
//! in memory (`patrolplan generate --preset P --seed N` writes the same file).
//!
//! **Same manpower.** Both plans use the preset's teams and no others; "personnel-hours"
//! shows how many of their hours each plan puts to work (each team at most its work
//! limit).
//!
//! **Relaxation bounds (not the solver's bound).** Volunteers must be escorted by a
//! professional, so only professional teams add covered cells. In a week a professional
//! team works at most `max_work_slots`; so at most `W = sum of max_work_slots` cell-slots
//! can be covered, and the meeting rate is at most the footfall share of the `W` busiest
//! cell-slots (reach, shifts and rest ignored). Likewise the presence value `sum risk * g(P)`
//! is at most the `W` professional team-slots plus the volunteers' (scaled by their
//! effectiveness) poured into the largest `risk * marginal` segments, which bounds how
//! far expected preventable incidents can fall.

use std::time::{Duration, Instant};

use patrolplan::bound::{compute_bound_with_hint, BoundOptions};
use patrolplan::construct::baseline;
use patrolplan::generate::{generate, Preset};
use patrolplan::model::raw::{InstanceFile, PerSlot, TeamKind};
use patrolplan::schedule::{evaluate, Evaluation};
use patrolplan::{Instance, Solver};

struct Args {
    secs: f64,
    threads: usize,
    presets: Vec<Preset>,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        secs: 60.0,
        threads: 2,
        presets: vec![Preset::NanjingGrid, Preset::JiangsuGrid],
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--time-limit" => a.secs = value.parse().map_err(|e| bad(&e))?,
            "--threads" => a.threads = value.parse().map_err(|e| bad(&e))?,
            "--seed" => a.seed = value.parse().map_err(|e| bad(&e))?,
            "--preset" => {
                a.presets = match value.as_str() {
                    "both" => vec![Preset::NanjingGrid, Preset::JiangsuGrid],
                    p => vec![p.parse().map_err(|e| bad(&e))?],
                }
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

fn series(p: &PerSlot, slots: usize) -> Vec<f64> {
    match p {
        PerSlot::Series(v) => v.clone(),
        PerSlot::Scalar(x) => vec![*x; slots],
    }
}

/// Relaxation bounds of the module docs: (highest meeting rate, lowest expected
/// preventable incidents).
fn relaxation_bounds(f: &InstanceFile) -> (f64, f64) {
    let slots = f.horizon.slots.as_u64().unwrap() as usize;
    let work = |t: &patrolplan::model::raw::TeamSpec| -> f64 {
        let rules = &f.shift_rules[&t.rules];
        let limit = rules.max_work_slots.as_u64().unwrap() as f64;
        let available = t.available.as_ref().map_or(slots as f64, |w| {
            w.iter()
                .map(|[a, b]| (b.as_u64().unwrap() - a.as_u64().unwrap()) as f64)
                .sum()
        });
        limit.min(available)
    };
    let pro_slots: f64 = f
        .teams
        .iter()
        .filter(|t| t.kind == TeamKind::Patrol && !t.volunteer)
        .map(work)
        .sum();
    let vol_units: f64 = f
        .teams
        .iter()
        .filter(|t| t.volunteer)
        .map(|t| work(t) * t.effectiveness.unwrap_or(1.0))
        .sum();
    let mut footfall: Vec<f64> = Vec::new();
    let mut risk: Vec<f64> = Vec::new();
    for r in &f.regions {
        let pop = r.population.unwrap_or(1.0);
        footfall.extend(match &r.footfall {
            Some(p) => series(p, slots),
            None => vec![pop; slots],
        });
        risk.extend(series(&r.risk, slots));
    }
    let total_footfall: f64 = footfall.iter().sum();
    footfall.sort_by(|a, b| b.total_cmp(a));
    let best_meeting = footfall.iter().take(pro_slots as usize).sum::<f64>() / total_footfall;

    let marginals = &f.objective.presence_marginals;
    let g_max: f64 = marginals.iter().sum();
    let mut segments: Vec<f64> = risk
        .iter()
        .flat_map(|&x| marginals.iter().map(move |m| x * m))
        .collect();
    segments.sort_by(|a, b| b.total_cmp(a));
    let mut units = pro_slots + vol_units;
    let mut presence = 0.0;
    for v in segments {
        if units <= 0.0 {
            break;
        }
        presence += v * units.min(1.0);
        units -= 1.0;
    }
    let total_risk: f64 = risk.iter().sum();
    let least_incidents = total_risk - f.objective.deterrence * presence / g_max;
    (best_meeting, least_incidents)
}

fn row(name: &str, base: f64, plan: f64, unit: &str) {
    let diff = match unit {
        "pts" => format!("{:+.2} pts", 100.0 * (plan - base)),
        "%" => format!("{:+.2} %", 100.0 * (plan - base) / base),
        _ => format!("{:+.0}", plan - base),
    };
    println!("  {name:<34} {base:>14.4} {plan:>14.4}   {diff}");
}

fn run(preset: Preset, args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let file = generate(preset, args.seed);
    let generated = t0.elapsed();
    let t1 = Instant::now();
    let inst = Instance::from_file(&file)?;
    let validated = t1.elapsed();
    let limit = Duration::from_secs_f64(args.secs);
    let start = Instant::now();
    let base_schedule = baseline(&inst);
    let bound = compute_bound_with_hint(
        &inst,
        &BoundOptions {
            time_limit: limit.mul_f64(0.2),
            ..BoundOptions::default()
        },
        Some(&base_schedule),
    )?;
    let bound_ms = start.elapsed().as_millis();
    let out = Solver::new(&inst)
        .seed(args.seed)
        .threads(args.threads)
        .time_limit(Some(
            limit
                .saturating_sub(start.elapsed())
                .max(Duration::from_millis(100)),
        ))
        .bound(Some(bound.bound))
        .full_assert_every(0)
        .solve()?;
    // The evaluator is the referee of both plans.
    let plan: Evaluation = evaluate(&inst, &out.schedule);
    let base: Evaluation = evaluate(&inst, &base_schedule);
    assert!(plan.feasible, "the solver's plan breaks a rule");
    let (best_meeting, least_incidents) = relaxation_bounds(&file);

    println!(
        "\n{} (seed {}): {} cells, {} teams, {} region-slots",
        preset,
        args.seed,
        file.regions.len(),
        file.teams.len(),
        file.regions.len() * 168
    );
    println!(
        "  generate {:.1} s, validate {:.1} s, bound {:.1} s ({}), first feasible {:.1} s, search {:.1} s on {} thread(s), {} iterations",
        generated.as_secs_f64(),
        validated.as_secs_f64(),
        bound_ms as f64 / 1000.0,
        bound.method,
        out.stats.construct_ms as f64 / 1000.0,
        out.stats.elapsed_ms as f64 / 1000.0,
        out.stats.threads,
        out.stats.iterations
    );
    println!(
        "  baseline feasible: {} ({} breaches)",
        base.feasible,
        base.violations.len()
    );
    println!(
        "  {:<34} {:>14} {:>14}   difference",
        "", "baseline", "plan"
    );
    let k = |e: &Evaluation| e.kpis.clone();
    let (b, p) = (k(&base), k(&plan));
    let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
    row("objective", base.objective.total, plan.objective.total, "%");
    row("meeting rate", v(b.meeting_rate), v(p.meeting_rate), "pts");
    row(
        "expected preventable incidents",
        v(b.expected_preventable_incidents),
        v(p.expected_preventable_incidents),
        "%",
    );
    row(
        "risk coverage",
        v(b.risk_coverage),
        v(p.risk_coverage),
        "pts",
    );
    row(
        "response coverage",
        v(b.response_coverage),
        v(p.response_coverage),
        "pts",
    );
    row(
        "backup coverage",
        v(b.backup_coverage),
        v(p.backup_coverage),
        "pts",
    );
    row(
        "volunteer utilisation",
        v(b.utilisation.volunteer),
        v(p.utilisation.volunteer),
        "pts",
    );
    row(
        "personnel-hours professional",
        b.personnel_hours.patrol_professional,
        p.personnel_hours.patrol_professional,
        "",
    );
    row(
        "personnel-hours volunteer",
        b.personnel_hours.volunteer,
        p.personnel_hours.volunteer,
        "",
    );
    row(
        "personnel-hours mobile",
        b.personnel_hours.mobile,
        p.personnel_hours.mobile,
        "",
    );
    println!(
        "  bound {:.4}  gap {:.2} %",
        bound.bound,
        100.0 * out.gap.unwrap_or(f64::NAN)
    );
    println!(
        "  relaxation: meeting rate at most {:.4} ({:+.2} pts over the baseline); incidents at least {:.2} ({:+.2} % against the baseline)",
        best_meeting,
        100.0 * (best_meeting - v(b.meeting_rate)),
        least_incidents,
        100.0 * (least_incidents - v(b.expected_preventable_incidents))
            / v(b.expected_preventable_incidents)
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    for &preset in &args.presets {
        run(preset, &args)?;
    }
    Ok(())
}
