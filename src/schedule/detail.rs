//! The evaluator's numbers per region-slot and post-slot, for reports, exports and
//! explanations. They come from the same occupancy and coverage as the [`Evaluation`],
//! so per-cell values re-add to its objective and KPIs exactly (up to summation order).
//!
//! The "what if" values ([`Detail::presence_loss`], [`Detail::cover_move`]) are
//! one-slot marginals of the objective of MODEL.md section 5: what the objective would
//! lose or gain if one team stood elsewhere in one slot, everything else unchanged. They
//! ignore the shift rules (a one-slot change may break `hop` or `shift_length`); they
//! explain, they do not plan.

use super::cover::{cover_lists, CoverCache};
use super::format::ScheduleInput;
use super::kpi::kpis;
use super::occupancy::Occupancy;
use super::plan::Schedule;
use super::rules::check_all;
use super::score::{coverage, objective, presence_weights};
use super::Evaluation;
use crate::model::{Instance, PostIdx, RegionIdx, Slot, TeamIdx};

/// Per-cell numbers of one evaluated schedule. Region-slot arrays are indexed
/// `r * slots + s`, post-slot arrays `p * slots + s`.
#[derive(Debug, Clone)]
pub struct Detail {
    /// Number of slots.
    pub slots: usize,
    /// `w[r,s]`, the presence weight.
    pub weight: Vec<f64>,
    /// `P[r,s]`: sum of effectiveness of the patrol teams there.
    pub presence: Vec<f64>,
    /// Patrol teams (volunteers included) there.
    pub patrols: Vec<u32>,
    /// Non-volunteer patrol teams there.
    pub professionals: Vec<u32>,
    /// `C1[r,s]`, as the evaluator scored it.
    pub c1: Vec<bool>,
    /// `C2[r,s]`, as the evaluator scored it.
    pub c2: Vec<bool>,
    /// Distinct mobile teams within the response standard.
    pub response_teams: Vec<u32>,
    /// Distinct mobile teams within the backup standard.
    pub backup_teams: Vec<u32>,
    /// `w[r,s] * g(P[r,s])`: the region-slot's share of `objective.presence`.
    pub presence_score: Vec<f64>,
    /// `response_weight * risk * C1`: its share of `objective.response`.
    pub response_score: Vec<f64>,
    /// `backup_weight * risk * C2`: its share of `objective.backup`.
    pub backup_score: Vec<f64>,
    /// Mobile teams at post `p` in slot `s`.
    pub at_post: Vec<u32>,
    /// Per slot: the `(team, post)` pairs of working mobile teams, sorted.
    pub mobile: Vec<Vec<(TeamIdx, u32)>>,
    /// Per team: sorted distinct `(slot, location)` in the horizon with a valid location.
    pub positions: Vec<Vec<(Slot, u32)>>,
    /// Per team: distinct slots worked (in the horizon or not, valid location or not), sorted.
    pub worked: Vec<Vec<Slot>>,
}

/// Evaluates a schedule read from a file and returns the per-cell numbers too.
pub fn evaluate_input_detailed(instance: &Instance, input: &ScheduleInput) -> (Evaluation, Detail) {
    evaluate_parts_detailed(instance, &input.schedule, Some(input))
}

/// Evaluates an in-memory schedule and returns the per-cell numbers too.
pub fn evaluate_detailed(instance: &Instance, schedule: &Schedule) -> (Evaluation, Detail) {
    evaluate_parts_detailed(instance, schedule, None)
}

fn evaluate_parts_detailed(
    instance: &Instance,
    schedule: &Schedule,
    input: Option<&ScheduleInput>,
) -> (Evaluation, Detail) {
    let occ = Occupancy::new(instance, schedule);
    let violations = check_all(instance, schedule, &occ, input, None);
    let cov = coverage(instance, &occ);
    let eval = Evaluation {
        feasible: violations.is_empty(),
        violations,
        objective: objective(instance, &occ, &cov),
        kpis: kpis(instance, &occ, &cov),
    };
    let o = &instance.objective();
    let slots = occ.slots;
    let nr = instance.regions().len();
    let weight = presence_weights(instance);
    let (mut presence_score, mut response_score, mut backup_score) = (
        vec![0.0; nr * slots],
        vec![0.0; nr * slots],
        vec![0.0; nr * slots],
    );
    for (r, region) in instance.regions().iter().enumerate() {
        for s in 0..slots {
            let i = r * slots + s;
            presence_score[i] = weight[i] * o.presence_value(occ.presence[i]);
            if cov.c1[i] {
                response_score[i] = o.response_weight * region.risk[s];
            }
            if cov.c2[i] {
                backup_score[i] = o.backup_weight * region.risk[s];
            }
        }
    }
    let (response_teams, backup_teams) = cover_counts(instance, &occ);
    let detail = Detail {
        slots,
        weight,
        presence: occ.presence,
        patrols: occ.patrols,
        professionals: occ.professionals,
        c1: cov.c1,
        c2: cov.c2,
        response_teams,
        backup_teams,
        presence_score,
        response_score,
        backup_score,
        at_post: occ.at_post,
        mobile: occ.mobile,
        positions: occ.positions,
        worked: occ.worked,
    };
    (eval, detail)
}

/// Distinct mobile teams within the response and backup standards per region-slot.
fn cover_counts(instance: &Instance, occ: &Occupancy) -> (Vec<u32>, Vec<u32>) {
    let (nr, slots) = (instance.regions().len(), occ.slots);
    let mut lists = CoverCache::new(instance);
    let mut response = vec![0u32; nr * slots];
    let mut backup = vec![0u32; nr * slots];
    let mut last_response = vec![usize::MAX; nr];
    let mut last_backup = vec![usize::MAX; nr];
    for s in 0..slots {
        last_response.fill(usize::MAX);
        last_backup.fill(usize::MAX);
        for &(k, p) in &occ.mobile[s] {
            let (rl, bl) = lists.get(k, p as usize);
            for &r in rl.iter() {
                let r = r as usize;
                if last_response[r] != k {
                    last_response[r] = k;
                    response[r * slots + s] += 1;
                }
            }
            for &r in bl.iter() {
                let r = r as usize;
                if last_backup[r] != k {
                    last_backup[r] = k;
                    backup[r * slots + s] += 1;
                }
            }
        }
    }
    (response, backup)
}

impl Detail {
    /// Index of region-slot `(r, s)`.
    pub fn cell(&self, r: RegionIdx, s: Slot) -> usize {
        r * self.slots + s
    }

    /// What the presence part loses if a patrol team of effectiveness `eff` left
    /// region-slot `(r, s)`: `w * (g(P) - g(P - eff))`.
    pub fn presence_loss(&self, instance: &Instance, r: RegionIdx, s: Slot, eff: f64) -> f64 {
        let i = self.cell(r, s);
        let o = &instance.objective();
        let p = self.presence[i];
        self.weight[i] * (o.presence_value(p) - o.presence_value((p - eff).max(0.0)))
    }

    /// What the presence part gains if a patrol team of effectiveness `eff` joined
    /// region-slot `(r, s)`: `w * (g(P + eff) - g(P))`.
    pub fn presence_gain(&self, instance: &Instance, r: RegionIdx, s: Slot, eff: f64) -> f64 {
        let i = self.cell(r, s);
        let o = &instance.objective();
        let p = self.presence[i];
        self.weight[i] * (o.presence_value(p + eff) - o.presence_value(p))
    }

    /// Mobile `team` in slot `s` moves from post `from` (`None`: it was off duty) to
    /// post `to` (`None`: it goes off duty). Returns `(loss, gain)` of response plus
    /// backup value: what the regions only it covered at `from` lose, and what the
    /// regions it newly covers at `to` gain (counted after it left `from`).
    pub fn cover_move(
        &self,
        instance: &Instance,
        team: TeamIdx,
        s: Slot,
        from: Option<PostIdx>,
        to: Option<PostIdx>,
    ) -> (f64, f64) {
        let o = &instance.objective();
        let risk = |r: usize| instance.regions()[r].risk[s];
        let old = from.map(|p| cover_lists(instance, team, p));
        let new = to.map(|p| cover_lists(instance, team, p));
        let in_old = |backup: bool, r: u32| {
            old.as_ref().is_some_and(|(rl, bl)| {
                let list = if backup { bl } else { rl };
                list.binary_search(&r).is_ok()
            })
        };
        let mut loss = 0.0;
        if let Some((rl, bl)) = &old {
            for &r in rl {
                if self.response_teams[self.cell(r as usize, s)] == 1 {
                    loss += o.response_weight * risk(r as usize);
                }
            }
            for &r in bl {
                if self.backup_teams[self.cell(r as usize, s)] == 2 {
                    loss += o.backup_weight * risk(r as usize);
                }
            }
        }
        let mut gain = 0.0;
        if let Some((rl, bl)) = &new {
            for &r in rl {
                let n = self.response_teams[self.cell(r as usize, s)] - u32::from(in_old(false, r));
                if n == 0 {
                    gain += o.response_weight * risk(r as usize);
                }
            }
            for &r in bl {
                let n = self.backup_teams[self.cell(r as usize, s)] - u32::from(in_old(true, r));
                if n == 1 {
                    gain += o.backup_weight * risk(r as usize);
                }
            }
        }
        (loss, gain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{evaluate, read_schedule};

    #[test]
    fn cells_re_add_to_the_evaluation_and_counts_agree_with_cover() {
        let inst = Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap();
        // Every kind of cell: a professional and a volunteer together on R2 (escort), the
        // mobile team's cover of both regions from P1, and slots where nobody works.
        let json = r#"{"format":"patrolplan.schedule.v1","instance":"hand",
            "teams":[{"id":"T1","shifts":[{"start":0,"at":["R1","R2","R2"]}]},
                     {"id":"V1","shifts":[{"start":1,"at":["R2","R2"]}]},
                     {"id":"M1","shifts":[{"start":2,"at":["P1","P1","P1","P1"]}]}]}"#;
        let sched = read_schedule(&inst, json).unwrap();
        let (eval, d) = evaluate_detailed(&inst, &sched);
        assert_eq!(eval, evaluate(&inst, &sched));
        let sum = |v: &[f64]| v.iter().sum::<f64>();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
        assert!(close(sum(&d.presence_score), eval.objective.presence));
        assert!(close(sum(&d.response_score), eval.objective.response));
        assert!(close(sum(&d.backup_score), eval.objective.backup));
        for i in 0..d.c1.len() {
            assert_eq!(d.c1[i], d.response_teams[i] >= 1, "{i}");
            assert_eq!(d.c2[i], d.backup_teams[i] >= 2, "{i}");
        }
    }
}
