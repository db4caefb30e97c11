//! The backup rows `c2[r,s] <= N2[r,s] - x_k[r,s]` of the large Lagrangian, one per
//! mobile team `k` and cell it can back up (`x_k = 1` when `k` stands within the
//! backup standard of `r` in slot `s`).
//!
//! They are valid for every feasible schedule because `c2` is binary in the MIP
//! (MODEL.md section 6): `c2 = 1` needs two teams in range, one besides `k`. They remove
//! what `2 c2 <= N2` alone pays for a single team in range (half the backup value).
//! Dualised with a multiplier `mu_g[r,s] >= 0` shared by the `n_g` members of a group
//! of identical teams (by symmetry of the members' rows no value is lost), they add
//! to the Lagrangian:
//! - on the cell's backup term: `c2` earns `beta - 2 q2 - M` with `M = sum_g n_g mu_g`;
//! - on each team of group `g` standing where it backs up `r`: `q2 + M - mu_g` instead
//!   of `q2` (every row's `N2` counts it, its own row's `x_k` takes `mu_g` back).

use crate::model::{Instance, TeamKind};

use super::super::groups::Group;

/// Per mobile group, the cells its rows cover.
pub(super) struct BackupRows {
    /// Per group: the regions one of its posts in reach backs up (sorted; empty for
    /// patrol groups).
    pub(super) regions: Vec<Vec<u32>>,
    /// Per group, per location in `reach().locations(rep)` order: the indices into
    /// `regions[g]` of the regions backed up from there.
    pub(super) at_location: Vec<Vec<Vec<u32>>>,
}

impl BackupRows {
    pub(super) fn new(inst: &Instance, groups: &[Group]) -> BackupRows {
        let mut regions = Vec::with_capacity(groups.len());
        let mut at_location = Vec::with_capacity(groups.len());
        for g in groups {
            let k = g.rep;
            if inst.teams()[k].kind != TeamKind::Mobile {
                regions.push(Vec::new());
                at_location.push(Vec::new());
                continue;
            }
            let locs = inst.reach().locations(k);
            let mut rs: Vec<u32> = locs
                .iter()
                .flat_map(|&l| inst.reach().backup_regions(k, l as usize).iter().copied())
                .collect();
            rs.sort_unstable();
            rs.dedup();
            let at = locs
                .iter()
                .map(|&l| {
                    inst.reach()
                        .backup_regions(k, l as usize)
                        .iter()
                        .map(|r| rs.binary_search(r).expect("listed") as u32)
                        .collect()
                })
                .collect();
            regions.push(rs);
            at_location.push(at);
        }
        BackupRows {
            regions,
            at_location,
        }
    }

    /// Zero multipliers, one row of `slots` per region of each group.
    pub(super) fn zeros(&self, slots: usize) -> Vec<Vec<f64>> {
        self.regions
            .iter()
            .map(|rs| vec![0.0; rs.len() * slots])
            .collect()
    }

    /// `M[r,s] = sum_g n_g mu_g[r,s]`, at `r * slots + s`.
    pub(super) fn weighted_sum(
        &self,
        groups: &[Group],
        mu: &[Vec<f64>],
        slots: usize,
        n: usize,
    ) -> Vec<f64> {
        let mut m = vec![0.0; n];
        for (g, rs) in self.regions.iter().enumerate() {
            if mu[g].iter().all(|&x| x == 0.0) {
                continue;
            }
            let cnt = groups[g].count as f64;
            for (idx, &r) in rs.iter().enumerate() {
                let row = &mut m[r as usize * slots..(r as usize + 1) * slots];
                let mu_row = &mu[g][idx * slots..(idx + 1) * slots];
                row.iter_mut().zip(mu_row).for_each(|(x, y)| *x += cnt * y);
            }
        }
        m
    }
}
