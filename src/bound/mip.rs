//! Exact optima of tiny instances, to test bounds against: the section 6 MIP solved by
//! microlp, and an exhaustive search that shares no code with the LP formulation (it
//! enumerates each team's rule-keeping schedules and scores plans by section 5 directly).

// Several parallel arrays share one index here; index loops read clearer than zips.
#![allow(clippy::needless_range_loop)]

use crate::model::{Instance, TeamKind};

use super::backend;
use super::exact_lp::build_exact;
use super::BoundError;

/// A plan as one optional location per team and slot: `plan[k][s]`.
pub type SlotPlan = Vec<Vec<Option<u32>>>;

/// The MIP optimum found by microlp (tiny models only: it may take very long otherwise).
pub fn mip_optimum(inst: &Instance) -> Result<f64, BoundError> {
    let model = build_exact(inst);
    if !model.feasible {
        return Err(BoundError::Infeasible);
    }
    let x = backend::solve_mip(&model.lp)?;
    Ok(model.lp.objective(&x))
}

/// Section 5 objective of a plan (rules are not checked here).
pub fn score(inst: &Instance, plan: &SlotPlan) -> f64 {
    let slots = inst.slots();
    let obj = &inst.objective();
    let mut total = 0.0;
    for r in 0..inst.regions().len() {
        for s in 0..slots {
            let mut presence = 0.0;
            let (mut resp, mut backup) = (false, 0);
            for (k, team) in inst.teams().iter().enumerate() {
                let Some(l) = plan[k][s] else { continue };
                match team.kind {
                    TeamKind::Patrol if l as usize == r => presence += team.effectiveness,
                    TeamKind::Patrol => {}
                    TeamKind::Mobile => {
                        let r32 = r as u32;
                        resp |= inst.reach().response_regions(k, l as usize).contains(&r32);
                        if inst.reach().backup_regions(k, l as usize).contains(&r32) {
                            backup += 1;
                        }
                    }
                }
            }
            let risk = inst.regions()[r].risk[s];
            total += inst.weight(r, s) * obj.presence_value(presence);
            if resp {
                total += obj.response_weight * risk;
            }
            if backup >= 2 {
                total += obj.backup_weight * risk;
            }
        }
    }
    total
}

/// Whether the coupling rules (min_patrol, post_capacity, volunteer_escort) hold.
pub fn keeps_coupling_rules(inst: &Instance, plan: &SlotPlan) -> bool {
    let slots = inst.slots();
    for s in 0..slots {
        let mut patrol = vec![0u32; inst.regions().len()];
        let mut pros = vec![0u32; inst.regions().len()];
        let mut mobile = vec![0u32; inst.posts().len()];
        for (k, team) in inst.teams().iter().enumerate() {
            if let Some(l) = plan[k][s] {
                match team.kind {
                    TeamKind::Patrol => {
                        patrol[l as usize] += 1;
                        pros[l as usize] += u32::from(!team.volunteer);
                    }
                    TeamKind::Mobile => mobile[l as usize] += 1,
                }
            }
        }
        if mobile
            .iter()
            .zip(inst.posts())
            .any(|(&m, p)| m > p.capacity)
        {
            return false;
        }
        for (r, region) in inst.regions().iter().enumerate() {
            if region
                .min_patrol
                .iter()
                .any(|q| q.from <= s && s < q.to && patrol[r] < q.teams)
            {
                return false;
            }
        }
        if inst.objective().volunteers_need_professional {
            let escorted = inst
                .teams()
                .iter()
                .enumerate()
                .all(|(k, t)| !t.volunteer || plan[k][s].is_none_or(|l| pros[l as usize] > 0));
            if !escorted {
                return false;
            }
        }
    }
    true
}

/// Every schedule of team `k` that keeps the per-team rules of section 4.
pub fn team_schedules(inst: &Instance, k: usize) -> Vec<Vec<Option<u32>>> {
    let mut out = Vec::new();
    let mut cur = Vec::with_capacity(inst.slots());
    // State: current run length, idle slots since the last shift (None = never worked).
    walk(inst, k, &mut cur, 0, None, 0, &mut out);
    out
}

fn walk(
    inst: &Instance,
    k: usize,
    cur: &mut Vec<Option<u32>>,
    run: usize,
    idle: Option<usize>,
    worked: usize,
    out: &mut Vec<Vec<Option<u32>>>,
) {
    let rules = inst.rules_of(k);
    let s = cur.len();
    if s == inst.slots() {
        if run == 0 || run >= rules.min_shift_slots {
            out.push(cur.clone());
        }
        return;
    }
    // Idle now.
    if run == 0 || run >= rules.min_shift_slots {
        let next_idle = if run > 0 {
            Some(1)
        } else {
            idle.map(|i| i + 1)
        };
        cur.push(None);
        walk(inst, k, cur, 0, next_idle, worked, out);
        cur.pop();
    }
    let team = &inst.teams()[k];
    if !team.is_available(s) || worked >= rules.max_work_slots {
        return;
    }
    let may_start = run == 0 && idle.is_none_or(|i| i >= rules.min_rest_slots);
    let may_continue = run > 0 && run < rules.max_shift_slots;
    if !may_start && !may_continue {
        return;
    }
    for &l in inst.reach().locations(k) {
        if may_continue {
            let prev = cur[s - 1].expect("a run has a location");
            if !inst.reach().hop_neighbors(k, prev as usize).contains(&l) {
                continue;
            }
        }
        cur.push(Some(l));
        walk(inst, k, cur, run + 1, idle, worked + 1, out);
        cur.pop();
    }
}

/// The optimum by exhaustive search over all combinations of team schedules, with the
/// optimal plan; `None` when no plan keeps the rules. Exponential: tiny instances only.
pub fn exhaustive_optimum(inst: &Instance) -> Option<(f64, SlotPlan)> {
    let per_team: Vec<_> = (0..inst.teams().len())
        .map(|k| team_schedules(inst, k))
        .collect();
    let mut plan: SlotPlan = per_team.iter().map(|o| o[0].clone()).collect();
    let mut best: Option<(f64, SlotPlan)> = None;
    let mut idx = vec![0usize; per_team.len()];
    loop {
        for (k, &i) in idx.iter().enumerate() {
            plan[k].clone_from(&per_team[k][i]);
        }
        if keeps_coupling_rules(inst, &plan) {
            let v = score(inst, &plan);
            if best.as_ref().is_none_or(|b| v > b.0) {
                best = Some((v, plan.clone()));
            }
        }
        // Odometer increment.
        let mut k = 0;
        loop {
            if k == idx.len() {
                return best;
            }
            idx[k] += 1;
            if idx[k] < per_team[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}
