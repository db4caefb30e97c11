//! Independent parts of an instance: teams that can never share a region (directly, or
//! through a chain of others, or for mobile teams through the regions their posts
//! cover) never interact, so each part can be solved on its own thread.

use crate::geo::union_find::UnionFind;
use crate::model::{Instance, TeamKind};

/// The teams of each independent component, in ascending team order; components are
/// ordered by their smallest team index. Teams that can stand nowhere are left out.
pub fn components(inst: &Instance) -> Vec<Vec<usize>> {
    let nt = inst.teams().len();
    let nr = inst.regions().len();
    let region = |r: u32| nt + r as usize;
    let post = |p: u32| nt + nr + p as usize;
    let nodes = nt + nr + inst.posts().len();
    let mut parent = UnionFind::new(nodes);
    for (k, t) in inst.teams().iter().enumerate() {
        for &l in inst.reach().locations(k) {
            match t.kind {
                TeamKind::Patrol => parent.union(k, region(l)),
                TeamKind::Mobile => {
                    parent.union(k, post(l));
                    for &r in inst.reach().backup_regions(k, l as usize) {
                        parent.union(k, region(r));
                    }
                    for &r in inst.reach().response_regions(k, l as usize) {
                        parent.union(k, region(r));
                    }
                }
            }
        }
    }
    let mut by_root: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    for k in 0..nt {
        if !inst.reach().locations(k).is_empty() {
            let root = parent.find(k);
            by_root[root].push(k);
        }
    }
    let mut comps: Vec<Vec<usize>> = by_root.into_iter().filter(|c| !c.is_empty()).collect();
    comps.sort_by_key(|c| c[0]);
    comps
}

/// What the search's memory depends on in the components of `inst`, for the memory
/// estimate ([`crate::model::memory::estimate`]): how many there are, and the
/// region-slots of the small ones (their members also keep elite states).
pub fn memory_profile(inst: &Instance) -> crate::model::memory::Components {
    let comps = components(inst);
    let slots = inst.slots();
    let mut seen = vec![false; inst.regions().len()];
    let mut small_regions = 0u64;
    for teams in comps
        .iter()
        .filter(|c| c.len() * slots <= super::member::SMALL_TEAM_SLOTS)
    {
        for &k in teams {
            let reach = inst.reach();
            for &l in reach.locations(k) {
                let (own, covered): (&[u32], [&[u32]; 2]) = match inst.teams()[k].kind {
                    TeamKind::Patrol => (std::slice::from_ref(&l), [&[], &[]]),
                    TeamKind::Mobile => (
                        &[],
                        [
                            reach.response_regions(k, l as usize),
                            reach.backup_regions(k, l as usize),
                        ],
                    ),
                };
                for &r in own.iter().chain(covered[0]).chain(covered[1]) {
                    if !std::mem::replace(&mut seen[r as usize], true) {
                        small_regions += 1;
                    }
                }
            }
        }
    }
    crate::model::memory::Components {
        count: comps.len() as u64,
        small_region_slots: small_regions * slots as u64,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_memory_estimate_knows_what_a_small_component_is() {
        use crate::model::memory::{ELITE_STATES, SMALL_COMPONENT_TEAM_SLOTS};
        assert_eq!(
            SMALL_COMPONENT_TEAM_SLOTS,
            crate::search::member::SMALL_TEAM_SLOTS as u64
        );
        assert_eq!(ELITE_STATES, crate::search::member::ELITE_SIZE as u64);
    }
}
