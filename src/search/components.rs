//! Independent parts of an instance: teams that can never share a region (directly, or
//! through a chain of others, or for mobile teams through the regions their posts
//! cover) never interact, so each part can be solved on its own thread.

use crate::model::{Instance, TeamKind};

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller root wins, so the partition does not depend on union order.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent[hi] = lo;
    }
}

/// The teams of each independent component, in ascending team order; components are
/// ordered by their smallest team index. Teams that can stand nowhere are left out.
pub fn components(inst: &Instance) -> Vec<Vec<usize>> {
    let nt = inst.teams.len();
    let nr = inst.regions.len();
    let region = |r: u32| nt + r as usize;
    let post = |p: u32| nt + nr + p as usize;
    let mut parent: Vec<usize> = (0..nt + nr + inst.posts.len()).collect();
    for (k, t) in inst.teams.iter().enumerate() {
        for &l in inst.reach.locations(k) {
            match t.kind {
                TeamKind::Patrol => union(&mut parent, k, region(l)),
                TeamKind::Mobile => {
                    union(&mut parent, k, post(l));
                    for &r in inst.reach.backup_regions(k, l as usize) {
                        union(&mut parent, k, region(r));
                    }
                    for &r in inst.reach.response_regions(k, l as usize) {
                        union(&mut parent, k, region(r));
                    }
                }
            }
        }
    }
    let mut by_root: Vec<Vec<usize>> = vec![Vec::new(); parent.len()];
    for k in 0..nt {
        if !inst.reach.locations(k).is_empty() {
            let root = find(&mut parent, k);
            by_root[root].push(k);
        }
    }
    let mut comps: Vec<Vec<usize>> = by_root.into_iter().filter(|c| !c.is_empty()).collect();
    comps.sort_by_key(|c| c[0]);
    comps
}
