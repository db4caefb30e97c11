//! Independent parts of the Lagrangian function.
//!
//! The Lagrangian value is a sum of terms, each depending on a few multipliers: a
//! cell's presence term on `v[r,·]`, its cover term on `q1[r,·]`, `q2[r,·]`, a post's
//! term on `rho[p,·]`, a group's best pattern on the prices of the locations it can
//! reach (and on its own `lambda`). Linking terms that share multipliers splits the
//! function into components with disjoint multipliers; its minimum over all
//! multipliers is then the sum of the components' minima, so the search may keep the
//! best prices of each component separately and combine them: the combined
//! multipliers are one valid point whose value is exactly that sum.

use crate::geo::union_find::UnionFind;
use crate::model::{Instance, TeamKind};

use super::groups::Group;

/// Component of every term.
pub struct Components {
    /// Number of components.
    pub count: usize,
    /// Per region: component of its presence terms (prices `v`).
    pub presence: Vec<usize>,
    /// Per region: component of its cover terms (prices `q1`, `q2`).
    pub cover: Vec<usize>,
    /// Per post: component of its capacity terms (`rho`).
    pub post: Vec<usize>,
    /// Per group: component of its pattern.
    pub group: Vec<usize>,
}

/// Splits the terms of `inst` with these groups into components.
pub fn components(inst: &Instance, groups: &[Group]) -> Components {
    let (nr, np) = (inst.regions().len(), inst.posts().len());
    let (cover0, post0, group0) = (nr, 2 * nr, 2 * nr + np);
    let nodes = group0 + groups.len();
    let mut parent = UnionFind::new(nodes);
    for (gi, g) in groups.iter().enumerate() {
        let k = g.rep;
        for &l in inst.reach().locations(k) {
            match inst.teams()[k].kind {
                TeamKind::Patrol => parent.union(group0 + gi, l as usize),
                TeamKind::Mobile => {
                    parent.union(group0 + gi, post0 + l as usize);
                    let p = l as usize;
                    for &r in inst.reach().response_regions(k, p) {
                        parent.union(group0 + gi, cover0 + r as usize);
                    }
                    for &r in inst.reach().backup_regions(k, p) {
                        parent.union(group0 + gi, cover0 + r as usize);
                    }
                }
            }
        }
    }
    // Dense numbering in order of first appearance (deterministic).
    let mut id = vec![usize::MAX; nodes];
    let mut count = 0;
    let mut of = |x: usize, parent: &mut UnionFind| {
        let root = parent.find(x);
        if id[root] == usize::MAX {
            id[root] = count;
            count += 1;
        }
        id[root]
    };
    let presence = (0..nr).map(|r| of(r, &mut parent)).collect();
    let cover = (0..nr).map(|r| of(cover0 + r, &mut parent)).collect();
    let post = (0..np).map(|p| of(post0 + p, &mut parent)).collect();
    let group = (0..groups.len())
        .map(|g| of(group0 + g, &mut parent))
        .collect();
    Components {
        count,
        presence,
        cover,
        post,
        group,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bound::groups::team_groups;

    /// Every term a group's pattern depends on is in the group's component, which is
    /// what makes combining the components' best prices valid.
    #[test]
    fn groups_share_a_component_with_everything_they_price() {
        let inst = Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap();
        let groups = team_groups(&inst);
        let c = components(&inst, &groups);
        assert!(c.count >= 1);
        for (gi, g) in groups.iter().enumerate() {
            let k = g.rep;
            for &l in inst.reach().locations(k) {
                let l = l as usize;
                match inst.teams()[k].kind {
                    TeamKind::Patrol => assert_eq!(c.presence[l], c.group[gi]),
                    TeamKind::Mobile => {
                        assert_eq!(c.post[l], c.group[gi]);
                        for &r in inst.reach().response_regions(k, l) {
                            assert_eq!(c.cover[r as usize], c.group[gi]);
                        }
                        for &r in inst.reach().backup_regions(k, l) {
                            assert_eq!(c.cover[r as usize], c.group[gi]);
                        }
                    }
                }
            }
        }
        // Presence and cover terms never share multipliers.
        for r in 0..inst.regions().len() {
            assert_ne!(c.presence[r], c.cover[r]);
        }
    }
}
