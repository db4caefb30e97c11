//! The trivial bound: each region-slot independently at its best. Valid because in any
//! feasible plan `P[r,s]` is at most the summed effectiveness of the patrol teams that
//! are available at `s` and may reach `r`, `g` is non-decreasing, `C1[r,s] = 1` needs at
//! least one available mobile team with a reachable post within response of `r`, and
//! `C2[r,s] = 1` needs two such teams within backup.

use crate::model::{Instance, TeamKind};

use super::groups::Group;

/// Per region-slot upper limits on presence and on the mobile teams that could cover it.
pub struct Ceilings {
    /// Largest possible `P[r,s]`.
    pub presence: Vec<f64>,
    /// Mobile teams that could be within response of `r` at `s`.
    pub response_teams: Vec<f64>,
    /// Mobile teams that could be within backup of `r` at `s`.
    pub backup_teams: Vec<f64>,
}

fn mark(dst: &mut [f64], slots: usize, regions: &[u32], ranges: &[(usize, usize)], add: f64) {
    for &r in regions {
        for &(a, b) in ranges {
            for v in &mut dst[r as usize * slots + a..r as usize * slots + b] {
                *v += add;
            }
        }
    }
}

/// Computes the ceilings (groups stand for their teams).
pub fn ceilings(inst: &Instance, groups: &[Group]) -> Ceilings {
    let slots = inst.slots();
    let n = inst.regions().len() * slots;
    let mut c = Ceilings {
        presence: vec![0.0; n],
        response_teams: vec![0.0; n],
        backup_teams: vec![0.0; n],
    };
    for g in groups {
        let k = g.rep;
        let team = &inst.teams()[k];
        let locs = inst.reach().locations(k);
        match team.kind {
            TeamKind::Patrol => {
                let eff = team.effectiveness * g.count as f64;
                mark(&mut c.presence, slots, locs, &team.available, eff);
            }
            TeamKind::Mobile => {
                let union = |backup: bool| {
                    let mut u: Vec<u32> = Vec::new();
                    for &p in locs {
                        u.extend_from_slice(if backup {
                            inst.reach().backup_regions(k, p as usize)
                        } else {
                            inst.reach().response_regions(k, p as usize)
                        });
                    }
                    u.sort_unstable();
                    u.dedup();
                    u
                };
                let resp = union(false);
                let back = union(true);
                let cnt = g.count as f64;
                mark(&mut c.response_teams, slots, &resp, &team.available, cnt);
                mark(&mut c.backup_teams, slots, &back, &team.available, cnt);
            }
        }
    }
    c
}

/// The trivial bound from the ceilings.
pub fn trivial_bound(inst: &Instance, c: &Ceilings) -> f64 {
    let slots = inst.slots();
    let obj = &inst.objective();
    let mut total = 0.0;
    for (r, region) in inst.regions().iter().enumerate() {
        for s in 0..slots {
            let i = r * slots + s;
            let risk = region.risk[s];
            total += inst.weights()[i] * obj.presence_value(c.presence[i]);
            if c.response_teams[i] >= 1.0 {
                total += obj.response_weight * risk;
            }
            if c.backup_teams[i] >= 2.0 {
                total += obj.backup_weight * risk;
            }
        }
    }
    total * (1.0 + 1e-12)
}
