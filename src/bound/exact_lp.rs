//! The section 6 MIP of MODEL.md, built once as an [`LpModel`] with integrality marks:
//! its LP relaxation is the exact-LP bound, the same model with integers is the MIP
//! used in tests ([`super::mip`]).
//!
//! Formulation, per team `k` (work `W[k,s] = sum_l a[k,s,l]`, 0 where unavailable):
//! - `W[k,s] <= 1`;
//! - start `st[k,s]` = `W[s] - W[s-1]` when binary, via `st >= W[s]-W[s-1]`,
//!   `st <= W[s]`, `st <= 1 - W[s-1]`; end `en[k,s]` likewise with `W[s+1]`;
//!   no start when a minimum-length shift would leave the horizon;
//! - shift length: `W[t] >= st[s]` for `t < s + min_shift`; `max_shift + 1` consecutive
//!   slots hold at most `max_shift` worked slots;
//! - rest: `W[t] + en[s] <= 1` for `s < t <= s + min_rest`;
//! - work limit: `sum_s W[k,s] <= max_work`;
//! - hop: `a[k,s,l] <= st[k,s] + sum_{l' -> l allowed} a[k,s-1,l']`.
//!
//! With binaries each maximal run of worked slots is one shift, so the integer points
//! are exactly the schedules that keep the rules of section 4.

use crate::model::{Instance, TeamKind};

use super::lp_model::{LpModel, Sense};

/// The model plus the index maps needed to read a solution.
#[derive(Debug, Clone)]
pub struct ExactModel {
    /// The MIP / LP.
    pub lp: LpModel,
    /// `(team, slot, location, column)` of every assignment variable `a`.
    pub assign: Vec<(u32, u32, u32, usize)>,
    /// Row index of `sum_j z[r,s,j] <= P[r,s]` per `r * slots + s`, if present.
    pub presence_rows: Vec<Option<usize>>,
    /// Column of `c1[r,s]` per `r * slots + s`, if present.
    pub response_cols: Vec<Option<usize>>,
    /// `false` when a hard requirement can never be met (no feasible schedule).
    pub feasible: bool,
}

/// Builds the model for `instance`.
pub fn build_exact(inst: &Instance) -> ExactModel {
    let slots = inst.slots();
    let nr = inst.regions().len();
    let mut lp = LpModel::default();
    let mut assign = Vec::new();
    let mut feasible = true;
    // Patrol assignment columns per region-slot (team, column), mobile per post-slot.
    let mut patrol_at: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nr * slots];
    let mut mobile_at: Vec<Vec<usize>> = vec![Vec::new(); inst.posts().len() * slots];
    let mut resp: Vec<Vec<(usize, f64)>> = vec![Vec::new(); nr * slots];
    let mut backup: Vec<Vec<(usize, f64)>> = vec![Vec::new(); nr * slots];

    for (k, team) in inst.teams().iter().enumerate() {
        let locs = inst.reach().locations(k);
        // cols[s][i] = column of a[k, s, locs[i]].
        let cols: Vec<Vec<usize>> = (0..slots)
            .map(|s| {
                if !team.is_available(s) {
                    return Vec::new();
                }
                locs.iter()
                    .map(|&l| {
                        let c = lp.add_col(0.0, 1.0, true);
                        assign.push((k as u32, s as u32, l, c));
                        c
                    })
                    .collect()
            })
            .collect();
        add_shift_rows(inst, k, locs, &cols, &mut lp);
        for (s, row) in cols.iter().enumerate() {
            for (i, &c) in row.iter().enumerate() {
                let l = locs[i] as usize;
                match team.kind {
                    TeamKind::Patrol => patrol_at[l * slots + s].push((k, c)),
                    TeamKind::Mobile => {
                        mobile_at[l * slots + s].push(c);
                        for &r in inst.reach().response_regions(k, l) {
                            resp[r as usize * slots + s].push((c, -1.0));
                        }
                        for &r in inst.reach().backup_regions(k, l) {
                            backup[r as usize * slots + s].push((c, -1.0));
                        }
                    }
                }
            }
        }
    }

    let obj = &inst.objective();
    let mut presence_rows = vec![None; nr * slots];
    let mut response_cols = vec![None; nr * slots];
    for r in 0..nr {
        for s in 0..slots {
            let i = r * slots + s;
            let here = &patrol_at[i];
            let w = inst.weights()[i];
            if !here.is_empty() && w > 0.0 {
                let mut row: Vec<(usize, f64)> = here
                    .iter()
                    .map(|&(k, c)| (c, -inst.teams()[k].effectiveness))
                    .collect();
                for &m in &obj.presence_marginals {
                    if m > 0.0 {
                        row.push((lp.add_col(w * m, 1.0, false), 1.0));
                    }
                }
                presence_rows[i] = Some(lp.rows.len());
                lp.add_row(row, Sense::Le, 0.0);
            }
            for req in &inst.regions()[r].min_patrol {
                if req.from <= s && s < req.to && req.teams > 0 {
                    let row = here.iter().map(|&(_, c)| (c, 1.0)).collect();
                    feasible &= lp.add_row(row, Sense::Ge, f64::from(req.teams));
                }
            }
            if obj.volunteers_need_professional {
                let pros: Vec<(usize, f64)> = here
                    .iter()
                    .filter(|&&(k, _)| !inst.teams()[k].volunteer)
                    .map(|&(_, c)| (c, -1.0))
                    .collect();
                for &(k, c) in here.iter().filter(|&&(k, _)| inst.teams()[k].volunteer) {
                    let _ = k;
                    let mut row = pros.clone();
                    row.push((c, 1.0));
                    lp.add_row(row, Sense::Le, 0.0);
                }
            }
            let risk = inst.regions()[r].risk[s];
            if !resp[i].is_empty() && obj.response_weight * risk > 0.0 {
                let c1 = lp.add_col(obj.response_weight * risk, 1.0, true);
                let mut row = std::mem::take(&mut resp[i]);
                row.push((c1, 1.0));
                lp.add_row(row, Sense::Le, 0.0);
                response_cols[i] = Some(c1);
            }
            if !backup[i].is_empty() && obj.backup_weight * risk > 0.0 {
                let c2 = lp.add_col(obj.backup_weight * risk, 1.0, true);
                let mut row = std::mem::take(&mut backup[i]);
                row.push((c2, 2.0));
                lp.add_row(row, Sense::Le, 0.0);
            }
        }
    }
    for (p, post) in inst.posts().iter().enumerate() {
        for s in 0..slots {
            let here = &mobile_at[p * slots + s];
            if here.len() > post.capacity as usize {
                let row = here.iter().map(|&c| (c, 1.0)).collect();
                lp.add_row(row, Sense::Le, f64::from(post.capacity));
            }
        }
    }
    ExactModel {
        lp,
        assign,
        presence_rows,
        response_cols,
        feasible,
    }
}

/// Adds team `k`'s shift, rest, work-limit and hop rows.
fn add_shift_rows(inst: &Instance, k: usize, locs: &[u32], cols: &[Vec<usize>], lp: &mut LpModel) {
    let slots = cols.len();
    let rules = inst.rules_of(k);
    let work = |s: usize, coef: f64| -> Vec<(usize, f64)> {
        cols.get(s)
            .map_or(Vec::new(), |c| c.iter().map(|&j| (j, coef)).collect())
    };
    let works = |s: usize| cols.get(s).is_some_and(|c| !c.is_empty());
    let mut start = vec![None; slots];
    let mut end = vec![None; slots];
    for s in (0..slots).filter(|&s| works(s)) {
        lp.add_row(work(s, 1.0), Sense::Le, 1.0);
        let fits = s + rules.min_shift_slots <= slots && (s..s + rules.min_shift_slots).all(works);
        let prev = if s > 0 { work(s - 1, -1.0) } else { Vec::new() };
        if fits {
            let st = lp.add_col(0.0, 1.0, true);
            start[s] = Some(st);
            let mut r = work(s, 1.0);
            r.extend(prev.iter().copied());
            r.push((st, -1.0));
            lp.add_row(r, Sense::Le, 0.0);
            let mut r = work(s, -1.0);
            r.push((st, 1.0));
            lp.add_row(r, Sense::Le, 0.0);
            let mut r: Vec<_> = prev.iter().map(|&(j, _)| (j, 1.0)).collect();
            r.push((st, 1.0));
            lp.add_row(r, Sense::Le, 1.0);
            for t in s + 1..s + rules.min_shift_slots {
                let mut r = work(t, 1.0);
                r.push((st, -1.0));
                lp.add_row(r, Sense::Ge, 0.0);
            }
        } else {
            // No shift may start here: W[s] <= W[s-1].
            let mut r = work(s, 1.0);
            r.extend(prev.iter().copied());
            lp.add_row(r, Sense::Le, 0.0);
        }
        let en = lp.add_col(0.0, 1.0, true);
        end[s] = Some(en);
        let next = work(s + 1, -1.0);
        let mut r = work(s, 1.0);
        r.extend(next.iter().copied());
        r.push((en, -1.0));
        lp.add_row(r, Sense::Le, 0.0);
        let mut r = work(s, -1.0);
        r.push((en, 1.0));
        lp.add_row(r, Sense::Le, 0.0);
        let mut r: Vec<_> = next.iter().map(|&(j, _)| (j, 1.0)).collect();
        r.push((en, 1.0));
        lp.add_row(r, Sense::Le, 1.0);
        for t in s + 1..=(s + rules.min_rest_slots).min(slots - 1) {
            if works(t) {
                let mut r = work(t, 1.0);
                r.push((en, 1.0));
                lp.add_row(r, Sense::Le, 1.0);
            }
        }
    }
    let span = rules.max_shift_slots + 1;
    for s in 0..slots.saturating_sub(span - 1) {
        let row: Vec<_> = (s..s + span).flat_map(|t| work(t, 1.0)).collect();
        if (s..s + span).filter(|&t| works(t)).count() > rules.max_shift_slots {
            lp.add_row(row, Sense::Le, rules.max_shift_slots as f64);
        }
    }
    if (0..slots).filter(|&s| works(s)).count() > rules.max_work_slots {
        let row = (0..slots).flat_map(|t| work(t, 1.0)).collect();
        lp.add_row(row, Sense::Le, rules.max_work_slots as f64);
    }
    // Hop: predecessors of each location within the team's reach.
    let pos = |l: u32| locs.binary_search(&l).ok();
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); locs.len()];
    for (i, &l) in locs.iter().enumerate() {
        for &n in inst.reach().hop_neighbors(k, l as usize) {
            if let Some(j) = pos(n) {
                pred[j].push(i);
            }
        }
    }
    for s in 1..slots {
        if !works(s) || !works(s - 1) {
            continue;
        }
        for (j, p) in pred.iter().enumerate() {
            if p.len() == locs.len() {
                continue; // implied by the start rows
            }
            let mut r: Vec<_> = p.iter().map(|&i| (cols[s - 1][i], -1.0)).collect();
            r.push((cols[s][j], 1.0));
            if let Some(st) = start[s] {
                r.push((st, -1.0));
            }
            lp.add_row(r, Sense::Le, 0.0);
        }
    }
    let _ = end;
}
