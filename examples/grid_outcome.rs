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
//! **What the model can reach at all.** Two upper bounds on the meeting rate and two
//! lower bounds on the expected preventable incidents, over every feasible plan with the
//! same teams (not only the solver's):
//!
//! - *Capacity* (a counting argument): volunteers must be escorted by a professional in
//!   the same cell and slot, and professionals have effectiveness 1, so only professional
//!   team-slots make a cell-slot "met". A professional works at most one cell per slot,
//!   at most `M + min(24 - L, M)` slots a day (`M` = longest shift, `L` = shift + rest:
//!   the window cut of MODEL.md section 6) and at most `max_work_slots` a week, and only
//!   in cells some professional reaches. The cell-slots picked under those nested
//!   (slot within day within week) caps form a laminar matroid, so taking the busiest
//!   cell-slots greedily is optimal: the meeting rate of every feasible plan is at most
//!   the footfall share of that pick. For the incidents the same caps apply to the
//!   presence segments `risk × m_j`; volunteers (effectiveness × their hours) can only
//!   add segments 2, 3, ... (a professional is there first) and are poured into the
//!   largest of those on top.
//! - *Library bound* (`patrolplan::bound` on a copy of the instance with other objective
//!   weights): risk weight 0, footfall weight 1, marginals `[1]`, no response or backup
//!   value. For a feasible plan that objective is exactly `meeting rate × sum of risk`
//!   (footfall is rescaled to weigh like risk; checked on the plan below), so
//!   `bound / sum of risk` bounds the meeting rate, now with reach, shifts, rest and hops.
//!   With risk weight 1, footfall 0 and the preset's marginals it bounds `sum risk × g(P)`,
//!   so `sum risk - deterrence × bound / G` bounds the incidents from below.
//!
//! It also says whether the volunteers are usable at all: how many professionals can reach
//! a volunteer group's home cell, and how much presence all volunteer hours could add.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use patrolplan::bound::{compute_bound, compute_bound_with_hint, BoundOptions};
use patrolplan::construct::baseline;
use patrolplan::generate::{generate, Preset};
use patrolplan::model::raw::{BaseSpec, InstanceFile, ObjectiveSpec};
use patrolplan::model::{ShiftRules, TeamKind};
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

/// Most slots a team with these rules works in `n` consecutive slots (window cut).
fn window_cap(rules: &ShiftRules, n: usize) -> usize {
    let (m, l) = (
        rules.max_shift_slots,
        rules.max_shift_slots + rules.min_rest_slots,
    );
    ((n / l) * m + (n % l).min(m))
        .min(rules.max_work_slots)
        .min(n)
}

/// Greedy pick over `(value, slot)` items, largest first, under the nested caps
/// per slot, per day (24 slots) and over the week; returns the picked value.
fn laminar_greedy(
    mut items: Vec<(f64, usize)>,
    slot_cap: &[usize],
    day_cap: &[usize],
    week: usize,
) -> f64 {
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut per_slot = vec![0usize; slot_cap.len()];
    let mut per_day = vec![0usize; day_cap.len()];
    let (mut taken, mut value) = (0usize, 0.0);
    for (v, s) in items {
        if taken == week {
            break;
        }
        if per_slot[s] < slot_cap[s] && per_day[s / 24] < day_cap[s / 24] {
            per_slot[s] += 1;
            per_day[s / 24] += 1;
            taken += 1;
            value += v;
        }
    }
    value
}

/// What the capacity argument of the module docs gives.
struct Capacity {
    /// Highest meeting rate of any feasible plan.
    meeting: f64,
    /// Lowest expected preventable incidents of any feasible plan.
    incidents: f64,
    /// Professional team-slots a week (at most).
    professional_slots: usize,
    /// Volunteer team-slots a week (at most) and their effectiveness-weighted units.
    volunteer_slots: usize,
    volunteer_units: f64,
    /// Most presence value the volunteers could add (risk-weighted, `sum risk × m_j`).
    volunteer_presence: f64,
    /// Cells no professional reaches.
    unreached_cells: usize,
}

fn capacity_bounds(inst: &Instance) -> Capacity {
    let slots = inst.slots();
    let days = slots.div_ceil(24);
    let mut slot_cap = vec![0usize; slots];
    let mut day_cap = vec![0usize; days];
    let (mut week, mut volunteer_slots, mut volunteer_units) = (0usize, 0usize, 0.0);
    let mut reached = vec![false; inst.regions().len()];
    for (k, t) in inst.teams().iter().enumerate() {
        if t.kind != TeamKind::Patrol {
            continue;
        }
        let rules = &inst.rules()[t.rules];
        let work = rules.max_work_slots.min(t.available_slots());
        if t.volunteer {
            volunteer_slots += work;
            volunteer_units += work as f64 * t.effectiveness;
            continue;
        }
        week += work;
        for (s, cap) in slot_cap.iter_mut().enumerate() {
            *cap += t.is_available(s) as usize;
        }
        for (d, cap) in day_cap.iter_mut().enumerate() {
            let open = (d * 24..((d + 1) * 24).min(slots))
                .filter(|&s| t.is_available(s))
                .count();
            *cap += window_cap(rules, 24).min(open);
        }
        for &r in inst.reach().locations(k) {
            reached[r as usize] = true;
        }
    }
    let regions = inst.regions();
    let total_footfall: f64 = regions.iter().flat_map(|r| &r.footfall).sum();
    let total_risk: f64 = regions.iter().flat_map(|r| &r.risk).sum();
    let items = |value: &dyn Fn(usize, usize) -> Vec<f64>| -> Vec<(f64, usize)> {
        let mut out = Vec::new();
        for r in (0..regions.len()).filter(|&r| reached[r]) {
            for s in 0..slots {
                out.extend(value(r, s).into_iter().map(|v| (v, s)));
            }
        }
        out
    };
    let met = laminar_greedy(
        items(&|r, s| vec![regions[r].footfall[s]]),
        &slot_cap,
        &day_cap,
        week,
    );
    let o = inst.objective();
    let m = &o.presence_marginals;
    let professional_presence = laminar_greedy(
        items(&|r, s| m.iter().map(|mj| regions[r].risk[s] * mj).collect()),
        &slot_cap,
        &day_cap,
        week,
    );
    // Volunteers only ever fill segments 2, 3, ...: take the largest of those.
    let mut upper: Vec<f64> =
        items(&|r, s| m.iter().skip(1).map(|mj| regions[r].risk[s] * mj).collect())
            .into_iter()
            .map(|(v, _)| v)
            .collect();
    upper.sort_by(|a, b| b.total_cmp(a));
    let mut units = volunteer_units;
    let mut volunteer_presence = 0.0;
    for v in upper {
        if units <= 0.0 {
            break;
        }
        volunteer_presence += v * units.min(1.0);
        units -= 1.0;
    }
    let g = o.max_presence_value();
    Capacity {
        meeting: met / total_footfall,
        incidents: total_risk - o.deterrence * (professional_presence + volunteer_presence) / g,
        professional_slots: week,
        volunteer_slots,
        volunteer_units,
        volunteer_presence,
        unreached_cells: reached.iter().filter(|&&x| !x).count(),
    }
}

/// The library's bound on a copy of the instance whose objective is `objective`.
fn bound_with(
    file: &InstanceFile,
    objective: impl FnOnce(&mut ObjectiveSpec),
    budget: Duration,
) -> Result<(Instance, f64, String, u64), Box<dyn std::error::Error>> {
    let mut f = file.clone();
    objective(&mut f.objective);
    let inst = Instance::from_file(&f)?;
    let b = compute_bound(
        &inst,
        &BoundOptions {
            time_limit: budget,
            ..BoundOptions::default()
        },
    )?;
    Ok((inst, b.bound, b.method, b.elapsed_ms))
}

/// Volunteer groups whose home cell at least `k` professionals reach, for k = 1 and 4,
/// and the median number reaching a volunteer's home cell.
fn volunteer_reach(inst: &Instance, file: &InstanceFile) -> (usize, usize, usize, usize) {
    let index: BTreeMap<&str, usize> = file
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut reaching = vec![0usize; inst.regions().len()];
    for (k, t) in inst.teams().iter().enumerate() {
        if t.kind == TeamKind::Patrol && !t.volunteer {
            for &r in inst.reach().locations(k) {
                reaching[r as usize] += 1;
            }
        }
    }
    let mut home: Vec<usize> = file
        .teams
        .iter()
        .filter(|t| t.volunteer)
        .map(|t| match &t.base {
            BaseSpec::Id(id) => index.get(id.as_str()).map_or(0, |&r| reaching[r]),
            _ => 0,
        })
        .collect();
    home.sort_unstable();
    let n = home.len();
    (
        n,
        home.iter().filter(|&&x| x >= 1).count(),
        home.iter().filter(|&&x| x >= 4).count(),
        home.get(n / 2).copied().unwrap_or(0),
    )
}

/// One KPI: baseline, first feasible plan (the construction), the timed plan, and the
/// timed plan's difference to the baseline.
fn row(name: &str, base: f64, first: f64, plan: f64, unit: &str) {
    let diff = match unit {
        "pts" => format!("{:+.2} pts", 100.0 * (plan - base)),
        "%" => format!("{:+.2} %", 100.0 * (plan - base) / base),
        _ => format!("{:+.0}", plan - base),
    };
    println!("  {name:<34} {base:>14.4} {first:>14.4} {plan:>14.4}   {diff}");
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
    // The construction alone (no search): what the first feasible plan achieves.
    let t2 = Instant::now();
    let constructed = Solver::new(&inst)
        .seed(args.seed)
        .threads(args.threads)
        .iterations(0)
        .time_limit(None)
        .full_assert_every(0)
        .solve()?;
    let construct_wall = t2.elapsed();
    // The evaluator is the referee of all three plans.
    let plan: Evaluation = evaluate(&inst, &out.schedule);
    let first: Evaluation = evaluate(&inst, &constructed.schedule);
    let base: Evaluation = evaluate(&inst, &base_schedule);
    assert!(plan.feasible, "the solver's plan breaks a rule");
    assert!(first.feasible, "the constructed plan breaks a rule");
    assert!(
        (first.objective.total - constructed.objective.total).abs()
            <= 1e-6 * first.objective.total.abs().max(1.0),
        "construction objective {} against the evaluator's {}",
        constructed.objective.total,
        first.objective.total
    );
    let capacity = capacity_bounds(&inst);
    let budget = limit.mul_f64(0.2);
    let (meet_inst, meet_bound, meet_method, meet_ms) = bound_with(
        &file,
        |o| {
            o.risk_weight = 0.0;
            o.footfall_weight = 1.0;
            o.response_weight = 0.0;
            o.backup_weight = 0.0;
            o.presence_marginals = vec![1.0];
        },
        budget,
    )?;
    let total_risk: f64 = inst.regions().iter().flat_map(|r| &r.risk).sum();
    // The premise of the meeting-rate bound, checked on the plan by the evaluator:
    // under these weights a feasible plan scores exactly meeting rate x sum of risk.
    let plan_meeting_score = evaluate(&meet_inst, &out.schedule).objective.total;
    let plan_meeting = plan.kpis.meeting_rate.unwrap_or(f64::NAN);
    assert!(
        (plan_meeting_score / total_risk - plan_meeting).abs() < 1e-6,
        "meeting-rate objective {plan_meeting_score} / {total_risk} against KPI {plan_meeting}"
    );
    let (_, risk_bound, risk_method, risk_ms) = bound_with(
        &file,
        |o| {
            o.risk_weight = 1.0;
            o.footfall_weight = 0.0;
            o.response_weight = 0.0;
            o.backup_weight = 0.0;
        },
        budget,
    )?;
    let o = inst.objective();
    let library_meeting = meet_bound / total_risk;
    let library_incidents = total_risk - o.deterrence * risk_bound / o.max_presence_value();
    let (volunteers, reached1, reached4, median) = volunteer_reach(&inst, &file);

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
        "  construction alone (iterations 0): {:.1} s wall, objective {:.4}",
        construct_wall.as_secs_f64(),
        first.objective.total
    );
    println!(
        "  baseline feasible: {} ({} breaches)",
        base.feasible,
        base.violations.len()
    );
    println!(
        "  {:<34} {:>14} {:>14} {:>14}   plan - baseline",
        "", "baseline", "first feasible", "plan"
    );
    let k = |e: &Evaluation| e.kpis.clone();
    let (b, f, p) = (k(&base), k(&first), k(&plan));
    let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
    let obj = |e: &Evaluation| e.objective;
    let (bo, fo, po) = (obj(&base), obj(&first), obj(&plan));
    row("objective", bo.total, fo.total, po.total, "%");
    row("  presence", bo.presence, fo.presence, po.presence, "%");
    row(
        "  response + backup",
        bo.response + bo.backup,
        fo.response + fo.backup,
        po.response + po.backup,
        "%",
    );
    row(
        "meeting rate",
        v(b.meeting_rate),
        v(f.meeting_rate),
        v(p.meeting_rate),
        "pts",
    );
    row(
        "expected preventable incidents",
        v(b.expected_preventable_incidents),
        v(f.expected_preventable_incidents),
        v(p.expected_preventable_incidents),
        "%",
    );
    row(
        "risk coverage",
        v(b.risk_coverage),
        v(f.risk_coverage),
        v(p.risk_coverage),
        "pts",
    );
    row(
        "response coverage",
        v(b.response_coverage),
        v(f.response_coverage),
        v(p.response_coverage),
        "pts",
    );
    row(
        "backup coverage",
        v(b.backup_coverage),
        v(f.backup_coverage),
        v(p.backup_coverage),
        "pts",
    );
    row(
        "volunteer utilisation",
        v(b.utilisation.volunteer),
        v(f.utilisation.volunteer),
        v(p.utilisation.volunteer),
        "pts",
    );
    row(
        "professional utilisation",
        v(b.utilisation.patrol_professional),
        v(f.utilisation.patrol_professional),
        v(p.utilisation.patrol_professional),
        "pts",
    );
    row(
        "personnel-hours professional",
        b.personnel_hours.patrol_professional,
        f.personnel_hours.patrol_professional,
        p.personnel_hours.patrol_professional,
        "",
    );
    row(
        "personnel-hours volunteer",
        b.personnel_hours.volunteer,
        f.personnel_hours.volunteer,
        p.personnel_hours.volunteer,
        "",
    );
    row(
        "personnel-hours mobile",
        b.personnel_hours.mobile,
        f.personnel_hours.mobile,
        p.personnel_hours.mobile,
        "",
    );
    println!(
        "  bound {:.4} ({}), gap {:.2} % (first feasible: {:.2} %)",
        bound.bound,
        bound.method,
        100.0 * out.gap.unwrap_or(f64::NAN),
        100.0 * (bound.bound - first.objective.total) / bound.bound,
    );
    // Where the gap sits: the bound's blocks by side against the plan's matching parts
    // (patrol blocks bound the presence, mobile blocks response + backup).
    let side = |name: &str| -> (usize, f64) {
        let blocks: Vec<_> = bound.components.iter().filter(|c| c.side == name).collect();
        (blocks.len(), blocks.iter().map(|c| c.bound).sum())
    };
    let (np, bp) = side("patrol");
    let (nm, bm) = side("mobile");
    let (nx, bx) = side("mixed");
    if nx == 0 && np + nm > 0 {
        println!(
            "  gap by side: presence {:.4} against its bound {:.4} ({} patrol blocks): {:.2} % of it; response + backup {:.4} against {:.4} ({} mobile blocks): {:.2} %",
            po.presence,
            bp,
            np,
            100.0 * (bp - po.presence) / bp.max(1e-12),
            po.response + po.backup,
            bm,
            nm,
            100.0 * (bm - po.response - po.backup) / bm.max(1e-12),
        );
    } else {
        println!(
            "  bound blocks: {np} patrol ({bp:.4}), {nm} mobile ({bm:.4}), {nx} mixed ({bx:.4}); not split by side"
        );
    }
    let base_meeting = v(b.meeting_rate);
    let base_incidents = v(b.expected_preventable_incidents);
    println!("  what any feasible plan with these teams can reach:");
    println!(
        "    meeting rate at most {:.4} ({:+.2} pts over the baseline) by capacity; at most {:.4} ({:+.2} pts) by the library bound ({meet_method}, {:.1} s)",
        capacity.meeting,
        100.0 * (capacity.meeting - base_meeting),
        library_meeting,
        100.0 * (library_meeting - base_meeting),
        meet_ms as f64 / 1000.0,
    );
    println!(
        "    incidents at least {:.2} ({:+.2} % against the baseline) by capacity; at least {:.2} ({:+.2} %) by the library bound ({risk_method}, {:.1} s)",
        capacity.incidents,
        100.0 * (capacity.incidents - base_incidents) / base_incidents,
        library_incidents,
        100.0 * (library_incidents - base_incidents) / base_incidents,
        risk_ms as f64 / 1000.0,
    );
    println!(
        "    goal (meeting rate > {:.4}, incidents < {:.2}): meeting rate {}, incidents {}",
        base_meeting + 0.065,
        base_incidents * (1.0 - 0.091),
        if library_meeting.min(capacity.meeting) > base_meeting + 0.065 {
            "not excluded by the bounds"
        } else {
            "out of reach"
        },
        if library_incidents.max(capacity.incidents) < base_incidents * (1.0 - 0.091) {
            "not excluded by the bounds"
        } else {
            "out of reach"
        },
    );
    println!(
        "    professional team-slots at most {} a week; {} cells no professional reaches",
        capacity.professional_slots, capacity.unreached_cells
    );
    println!(
        "  volunteers: {} groups, {} team-slots a week ({:.0} effectiveness units, {:.1} % of the professionals' {}); their home cell is reached by at least 1 professional for {}, at least 4 for {} (median {}); escorted, they add at most {:.1} of presence value ({:.2} % of the risk, {:.2} % of the incidents at deterrence {})",
        volunteers,
        capacity.volunteer_slots,
        capacity.volunteer_units,
        100.0 * capacity.volunteer_units / capacity.professional_slots as f64,
        capacity.professional_slots,
        reached1,
        reached4,
        median,
        capacity.volunteer_presence,
        100.0 * capacity.volunteer_presence / total_risk,
        100.0 * o.deterrence * capacity.volunteer_presence / o.max_presence_value() / base_incidents,
        o.deterrence,
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
