//! Where the mobile side's gap sits on a grid preset: the plan or the bound.
//!
//! ```text
//! cargo run --release --example grid_mobile -- INSTANCE SCHEDULE [LP_SECONDS] [EVERY] [BOUND_JSON]
//! ```
//!
//! - `EVERY >= 1`: every `EVERY`-th slot, the schedule's response + backup value against
//!   the same working mobile teams re-sited by the siting module (greedy + swap from the
//!   schedule's posts, and from scratch; hops ignored) and, with `LP_SECONDS > 0`, the
//!   slot's LP bound for those teams (`siting::lp_bound`). Tells whether the siting
//!   within a slot leaves value.
//! - `EVERY = 0`: per mobile component of the large bound (`bound --json` output in
//!   `BOUND_JSON`), its teams, cells, the schedule's value, the component's bound, and for
//!   a component with a single team its exact optimum without hops (its best pattern
//!   over its best post per slot). Tells whether the bound is loose.

use std::time::{Duration, Instant};

use patrolplan::model::TeamKind;
use patrolplan::schedule::{evaluate, read_schedule};
use patrolplan::siting::{
    lp_bound, site_slot, solve_exact_report, CoverCounts, SlotSiting, UNPLACED,
};
use patrolplan::Instance;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let inst = Instance::from_json(&std::fs::read_to_string(&args[1])?)?;
    let schedule = read_schedule(&inst, &std::fs::read_to_string(&args[2])?)?;
    let lp_secs: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let every: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1);
    let eval = evaluate(&inst, &schedule);
    if every == 0 {
        return by_component(&inst, &schedule, args.get(5));
    }
    println!(
        "plan: feasible {}, response {:.2}, backup {:.2}",
        eval.feasible, eval.objective.response, eval.objective.backup
    );
    let slots = inst.slots();
    let mut placed: Vec<Vec<(usize, u32)>> = vec![Vec::new(); slots];
    for (k, shifts) in schedule.shifts.iter().enumerate() {
        if inst.teams()[k].kind != TeamKind::Mobile {
            continue;
        }
        for sh in shifts {
            for (i, &p) in sh.at.iter().enumerate() {
                placed[sh.start + i].push((k, p));
            }
        }
    }
    let available: Vec<usize> = (0..slots)
        .map(|s| {
            inst.teams()
                .iter()
                .filter(|t| t.kind == TeamKind::Mobile && t.is_available(s))
                .count()
        })
        .collect();
    let (mut tp, mut tg, mut ts, mut tl) = (0.0, 0.0, 0.0, 0.0);
    let (mut te, mut tb) = (0.0, 0.0);
    let mut lp_slots = 0;
    println!("| slot | available | working | plan | re-sited | from scratch | lp bound | exact value | exact bound | ms |");
    for s in (0..slots).step_by(every) {
        let t = Instant::now();
        let plan = CoverCounts::with_placed(&inst, s, &placed[s]).value();
        let problem = SlotSiting {
            instance: &inst,
            slot: s,
            teams: placed[s]
                .iter()
                .map(|&(k, _)| (k, inst.reach().locations(k).to_vec()))
                .collect(),
        };
        let start: Vec<u32> = placed[s].iter().map(|&(_, p)| p).collect();
        let value = |posts: &[u32]| {
            let pl: Vec<(usize, u32)> = placed[s]
                .iter()
                .zip(posts)
                .filter(|(_, &p)| p != UNPLACED)
                .map(|(&(k, _), &p)| (k, p))
                .collect();
            CoverCounts::with_placed(&inst, s, &pl).value()
        };
        let resited = value(&site_slot(&problem, Some(&start)));
        let scratch = value(&site_slot(&problem, None));
        let lp = if lp_secs > 0.0 {
            lp_bound(&problem, Duration::from_secs_f64(lp_secs)).unwrap_or(f64::NAN)
        } else {
            f64::NAN
        };
        if lp.is_finite() {
            lp_slots += 1;
            tl += lp;
        }
        // The slot's exact siting (branch and bound, as long as the LP's budget).
        let (ev, eb) = if lp_secs > 0.0 {
            let out = solve_exact_report(&problem, Duration::from_secs_f64(lp_secs));
            (out.value, out.bound.min(lp))
        } else {
            (f64::NAN, f64::NAN)
        };
        if eb.is_finite() {
            te += ev;
            tb += eb;
        }
        tp += plan;
        tg += resited;
        ts += scratch;
        println!(
            "| {s} | {} | {} | {plan:.2} | {resited:.2} | {scratch:.2} | {lp:.2} | {ev:.2} | {eb:.2} | {} |",
            available[s],
            placed[s].len(),
            t.elapsed().as_millis()
        );
    }
    println!(
        "sum over sampled slots: plan {tp:.2}, re-sited {tg:.2} ({:+.2} %), from scratch {ts:.2} ({:+.2} %), lp bound {tl:.2} over {lp_slots} slots, exact value {te:.2}, exact bound {tb:.2}",
        100.0 * (tg - tp) / tp,
        100.0 * (ts - tp) / tp
    );
    Ok(())
}

/// Per mobile component: teams, cells, trivial share, the plan's response + backup and
/// (given a `bound --json` file) the component's bound.
fn by_component(
    inst: &Instance,
    schedule: &patrolplan::schedule::Schedule,
    bound_json: Option<&String>,
) -> Result<(), Box<dyn std::error::Error>> {
    use patrolplan::bound::{components::components, groups::grouped_teams};
    let (groups, group_of) = grouped_teams(inst);
    let comps = components(inst, &groups);
    let slots = inst.slots();
    let o = inst.objective();
    let mut placed: Vec<Vec<(usize, u32)>> = vec![Vec::new(); slots];
    for (k, shifts) in schedule.shifts.iter().enumerate() {
        if inst.teams()[k].kind != TeamKind::Mobile {
            continue;
        }
        for sh in shifts {
            for (i, &p) in sh.at.iter().enumerate() {
                placed[sh.start + i].push((k, p));
            }
        }
    }
    let nc = comps.count;
    let mut plan = vec![0.0; nc];
    let mut trivial = vec![0.0; nc];
    let mut cells = vec![0usize; nc];
    let mut teams = vec![0usize; nc];
    let mut mobile = vec![false; nc];
    let mut worked = vec![0usize; nc];
    for (gi, g) in groups.iter().enumerate() {
        teams[comps.group[gi]] += g.count;
    }
    for r in 0..inst.regions().len() {
        cells[comps.cover[r]] += 1;
        mobile[comps.cover[r]] = true;
    }
    for (s, placed) in placed.iter().enumerate() {
        let counts = CoverCounts::with_placed(inst, s, placed);
        for (r, region) in inst.regions().iter().enumerate() {
            let c = comps.cover[r];
            let risk = region.risk[s];
            trivial[c] += risk * (o.response_weight + o.backup_weight);
            if counts.response_count(r) >= 1 {
                plan[c] += o.response_weight * risk;
            }
            if counts.backup_count(r) >= 2 {
                plan[c] += o.backup_weight * risk;
            }
        }
    }
    for (k, shifts) in schedule.shifts.iter().enumerate() {
        if inst.teams()[k].kind == TeamKind::Mobile {
            worked[comps.group[group_of[k]]] += shifts.iter().map(|s| s.at.len()).sum::<usize>();
        }
    }
    let bounds: Vec<(f64, String)> = match bound_json {
        Some(path) => {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
            v["components"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| {
                            (
                                c["bound"].as_f64().unwrap_or(f64::NAN),
                                c["method"].as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        None => Vec::new(),
    };
    // One-team components: the exact optimum without hops is the team's best pattern
    // over its best post per slot (backup needs two teams).
    let mut single = vec![f64::NAN; nc];
    for (gi, g) in groups.iter().enumerate() {
        let c = comps.group[gi];
        if g.count != 1 || teams[c] != 1 || inst.teams()[g.rep].kind != TeamKind::Mobile {
            continue;
        }
        let k = g.rep;
        let team = &inst.teams()[k];
        let values: Vec<f64> = (0..slots)
            .map(|s| {
                if !team.is_available(s) {
                    return f64::NEG_INFINITY;
                }
                inst.reach()
                    .locations(k)
                    .iter()
                    .map(|&p| {
                        inst.reach()
                            .response_regions(k, p as usize)
                            .iter()
                            .map(|&r| o.response_weight * inst.regions()[r as usize].risk[s])
                            .sum::<f64>()
                    })
                    .fold(0.0, f64::max)
            })
            .collect();
        let mut dp = patrolplan::bound::shift_dp::ShiftDp::new(inst.rules_of(k));
        // The work limit by bisection on its price (convex in lambda).
        let max_work = inst.rules_of(k).max_work_slots as f64;
        let mut worked_slots = Vec::new();
        let mut best = f64::INFINITY;
        let (mut lo, mut hi) = (0.0, values.iter().copied().fold(0.0, f64::max) + 1.0);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            let v: Vec<f64> = values.iter().map(|x| x - mid).collect();
            let val = dp.solve(&v, &mut worked_slots) + mid * max_work;
            best = best.min(val);
            let cnt = worked_slots.iter().filter(|&&w| w).count() as f64;
            if cnt > max_work {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        single[c] = best;
    }
    println!("| component | teams | cells | worked slots | trivial share | plan | bound | method | gap % | one-team optimum |");
    let mut j = 0;
    for c in 0..nc {
        if teams[c] == 0 {
            continue;
        }
        let (b, m) = bounds.get(j).cloned().unwrap_or((f64::NAN, String::new()));
        j += 1;
        if !mobile[c] {
            continue;
        }
        println!(
            "| {c} | {} | {} | {} | {:.2} | {:.2} | {b:.2} | {m} | {:.2} | {:.2} |",
            teams[c],
            cells[c],
            worked[c],
            trivial[c],
            plan[c],
            100.0 * (b - plan[c]) / b,
            single[c]
        );
    }
    Ok(())
}
