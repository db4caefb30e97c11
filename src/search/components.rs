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
