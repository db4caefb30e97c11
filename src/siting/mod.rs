//! Mobile-team siting per slot: maximal covering with backup (MCLP with backup).
//!
//! In slot `s` region `r` is response-covered (`C1 = 1`) when some mobile team stands
//! within `response_minutes` of its point, and backup-covered (`C2 = 1`) when at least
//! two distinct mobile teams are each within `backup_minutes`. A slot's siting is worth
//! `response_weight * sum_r risk[r,s] * C1 + backup_weight * sum_r risk[r,s] * C2`
//! (MODEL.md section 5). This module finds good placements for one slot:
//! - [`CoverCounts`]: incremental per-region counts and move deltas for local search;
//! - [`site_slot`]: greedy by marginal value, then Teitz–Bart swap improvement;
//! - [`solve_exact`]: branch and bound (root backup cuts, then warm-started dual
//!   simplex nodes); [`lp_bound`]: the root bound from duals (always valid);
//! - [`move_up`]: re-siting after a dispatch with a limited number of relocations;
//! - [`slot_cover_value`]: the direct formula, used as the referee in tests.
//!
//! See `docs/siting.md` for the formulation and measurements.

mod counts;
mod exact;
mod heuristic;
mod move_up;
pub mod random;

pub use counts::CoverCounts;
pub use exact::{
    lp_bound, solve_exact, solve_exact_from, solve_exact_limited, solve_exact_report, ExactOutcome,
};
pub use heuristic::{site_slot, site_slot_deep, UNPLACED};
pub use move_up::move_up;

use crate::model::{Instance, Slot, TeamIdx};

/// One slot's siting problem: the mobile teams working in `slot`, each with the posts it
/// may take (already restricted by reach, availability and hop from neighbouring slots).
#[derive(Debug, Clone)]
pub struct SlotSiting<'a> {
    /// The instance (cover relations, post capacities, risk, weights).
    pub instance: &'a Instance,
    /// The slot whose risk is covered.
    pub slot: Slot,
    /// Mobile teams to place, each with its allowed posts (post indices).
    pub teams: Vec<(TeamIdx, Vec<u32>)>,
}

/// Response + backup value of a slot's placements `(team, post)`, straight from the
/// contract's formula: travel minutes from each placed team's post to each region's
/// point, by that team's speed, compared inclusively with the standards. A team listed
/// more than once counts once per region (the backup rule counts distinct teams).
///
/// This deliberately does not use the precomputed reach lists, so it can referee
/// [`CoverCounts`] and the solvers that do.
pub fn slot_cover_value(instance: &Instance, slot: Slot, placed: &[(TeamIdx, u32)]) -> f64 {
    let obj = &instance.objective();
    let mut total = 0.0;
    for (r, region) in instance.regions().iter().enumerate() {
        let risk = region.risk[slot];
        if risk == 0.0 {
            continue;
        }
        let mut response_teams: Vec<TeamIdx> = Vec::new();
        let mut backup_teams: Vec<TeamIdx> = Vec::new();
        for &(team, post) in placed {
            let minutes = instance.post_to_region_minutes(team, post as usize, r);
            if minutes <= obj.response_minutes {
                response_teams.push(team);
            }
            if minutes <= obj.backup_minutes {
                backup_teams.push(team);
            }
        }
        backup_teams.sort_unstable();
        backup_teams.dedup();
        if !response_teams.is_empty() {
            total += obj.response_weight * risk;
        }
        if backup_teams.len() >= 2 {
            total += obj.backup_weight * risk;
        }
    }
    total
}

/// Whether `placed` keeps every post's capacity.
pub fn respects_capacity(instance: &Instance, placed: &[(TeamIdx, u32)]) -> bool {
    let mut load = vec![0u32; instance.posts().len()];
    for &(_, post) in placed {
        load[post as usize] += 1;
    }
    load.iter()
        .zip(instance.posts())
        .all(|(&l, p)| l <= p.capacity)
}
