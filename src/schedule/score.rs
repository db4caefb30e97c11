//! The objective of MODEL.md section 5, straight from its formulas.
//!
//! Coverage (`C1`, `C2`) is decided by the exact travel formula (`super::cover`): the
//! regions a mobile team covers from a post are computed once per distinct
//! `(post, speed)` pair used by the schedule and reused for every slot; no precomputed
//! reach list is involved, so the evaluator also referees `Reach::response_regions`.

use serde::Serialize;

use super::cover::CoverCache;
use super::occupancy::Occupancy;
use crate::model::Instance;

/// The objective and its three parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ObjectiveParts {
    /// `presence + response + backup`.
    pub total: f64,
    /// `sum w[r,s] * g(P[r,s])`.
    pub presence: f64,
    /// `response_weight * sum risk[r,s] * C1[r,s]`.
    pub response: f64,
    /// `backup_weight * sum risk[r,s] * C2[r,s]`.
    pub backup: f64,
}

/// `C1` and `C2` per region-slot (`r * slots + s`).
#[derive(Debug, Clone)]
pub(crate) struct Coverage {
    /// Some mobile team within `response_minutes`.
    pub c1: Vec<bool>,
    /// At least two distinct mobile teams within `backup_minutes`.
    pub c2: Vec<bool>,
}

/// Computes `C1` and `C2` of every region-slot.
pub(crate) fn coverage(instance: &Instance, occ: &Occupancy) -> Coverage {
    let (nr, slots) = (instance.regions().len(), occ.slots);
    let mut lists = CoverCache::new(instance);
    let mut cov = Coverage {
        c1: vec![false; nr * slots],
        c2: vec![false; nr * slots],
    };
    // Per region within one slot: teams within backup, and the last team counted, so that
    // a team listed at two posts in one slot (overlapping shifts) counts once.
    let mut backup_teams = vec![0u32; nr];
    let mut last_team = vec![usize::MAX; nr];
    for s in 0..slots {
        backup_teams.fill(0);
        last_team.fill(usize::MAX);
        for &(k, p) in &occ.mobile[s] {
            let (response, backup) = lists.get(k, p as usize);
            for &r in response.iter() {
                cov.c1[r as usize * slots + s] = true;
            }
            for &r in backup.iter() {
                let r = r as usize;
                if last_team[r] != k {
                    last_team[r] = k;
                    backup_teams[r] += 1;
                }
            }
        }
        for (r, &n) in backup_teams.iter().enumerate() {
            cov.c2[r * slots + s] = n >= 2;
        }
    }
    cov
}

/// `w[r,s]` recomputed from the contract (not taken from `Instance::weight`):
/// `risk_weight * risk + footfall_weight * footfall * (sum risk) / (sum footfall)`.
pub(crate) fn presence_weights(instance: &Instance) -> Vec<f64> {
    let o = &instance.objective();
    let sum_risk: f64 = instance.regions().iter().flat_map(|r| r.risk.iter()).sum();
    let sum_footfall: f64 = instance
        .regions()
        .iter()
        .flat_map(|r| r.footfall.iter())
        .sum();
    let mut w = Vec::with_capacity(instance.regions().len() * instance.slots());
    for region in instance.regions() {
        for s in 0..instance.slots() {
            let f = if sum_footfall > 0.0 {
                region.footfall[s] * sum_risk / sum_footfall
            } else {
                0.0
            };
            w.push(o.risk_weight * region.risk[s] + o.footfall_weight * f);
        }
    }
    w
}

/// The objective of the occupancy and coverage.
pub(crate) fn objective(instance: &Instance, occ: &Occupancy, cov: &Coverage) -> ObjectiveParts {
    let o = &instance.objective();
    let w = presence_weights(instance);
    let slots = occ.slots;
    let (mut presence, mut response, mut backup) = (0.0, 0.0, 0.0);
    for (r, region) in instance.regions().iter().enumerate() {
        for s in 0..slots {
            let i = r * slots + s;
            presence += w[i] * o.presence_value(occ.presence[i]);
            if cov.c1[i] {
                response += region.risk[s];
            }
            if cov.c2[i] {
                backup += region.risk[s];
            }
        }
    }
    let response = o.response_weight * response;
    let backup = o.backup_weight * backup;
    ObjectiveParts {
        total: presence + response + backup,
        presence,
        response,
        backup,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recomputed_weights_match_the_instance() {
        let inst = Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap();
        // hand.json: risk R1 = 1 x 6, R2 = [0,1,2,3,2,1] (sum 15); footfall = population:
        // R1 1 x 6, R2 100 x 6 (sum 606). w[R2,3] = 3 + 0.2 * 100 * 15 / 606.
        let w = presence_weights(&inst);
        assert!((w[6 + 3] - (3.0 + 0.2 * 100.0 * 15.0 / 606.0)).abs() < 1e-12);
        for (i, &x) in w.iter().enumerate() {
            assert!(
                (x - inst.weights()[i]).abs() <= 1e-12 * x.abs().max(1.0),
                "{i}"
            );
        }
    }
}
