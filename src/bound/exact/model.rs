//! The exact model of one component: each team's rule-keeping moves as a state machine
//! (location, length of the current shift, idle slots since the last one, slots worked),
//! and the component's split from the rest of the instance.
//!
//! Patrol teams only change presence, `min_patrol` and `volunteer_escort`; mobile teams
//! only change response / backup cover and post capacity. So the objective and every
//! coupling rule split into a patrol side and a mobile side, and each side into
//! components of teams that share a region (patrol) or a post or a covered region
//! (mobile). The optimum is the sum of the components' optima.

use crate::bound::groups::grouped_teams;
use crate::geo::union_find::UnionFind;
use crate::model::{Instance, TeamKind};

/// One team's moves. A state is `w * ns + m`: `w` slots worked so far (only tracked
/// when the work limit can bind, else always 0) and `m` in `0..ns`: `m <= rest` idle
/// for `m` slots since the last shift (`rest` also stands for "free to start", the
/// state before the first shift), else standing at location `li` in slot `t` of a
/// shift, `m = rest + 1 + li * max + (t - 1)`.
#[derive(Debug, Clone)]
pub struct TeamModel {
    /// Global team index.
    pub team: usize,
    /// Patrol or mobile.
    pub kind: TeamKind,
    /// Volunteer patrol team.
    pub volunteer: bool,
    /// Effectiveness (patrol presence per slot).
    pub eff: f64,
    /// Locations in reach, ascending.
    pub locs: Vec<u32>,
    /// Per location index: the location indices allowed in the next slot of a shift.
    pub hop: Vec<Vec<u16>>,
    /// Shortest shift.
    pub min: usize,
    /// Longest shift.
    pub max: usize,
    /// Fewest idle slots between shifts.
    pub rest: usize,
    /// Most slots worked (only checked when `levels > 1`).
    pub wmax: usize,
    /// States per work level.
    pub ns: usize,
    /// Work levels tracked (`wmax + 1`, or 1 when the limit cannot bind).
    pub levels: usize,
    /// Availability per slot.
    pub avail: Vec<bool>,
    /// Index of the team's group of identical teams (same group, same moves and cover).
    pub group: usize,
}

impl TeamModel {
    /// The model of team `k`.
    pub fn new(inst: &Instance, k: usize, group: usize) -> TeamModel {
        let team = &inst.teams()[k];
        let rules = inst.rules_of(k);
        let locs = inst.reach().locations(k).to_vec();
        let hop = locs
            .iter()
            .map(|&l| {
                inst.reach()
                    .hop_neighbors(k, l as usize)
                    .iter()
                    .filter_map(|n| locs.binary_search(n).ok().map(|i| i as u16))
                    .collect()
            })
            .collect();
        let slots = inst.slots();
        let avail: Vec<bool> = (0..slots).map(|s| team.is_available(s)).collect();
        let rest = rules.min_rest_slots.max(1);
        let max = rules.max_shift_slots.max(1);
        let available = avail.iter().filter(|&&a| a).count();
        let wmax = rules.max_work_slots;
        let levels = if wmax < available { wmax + 1 } else { 1 };
        TeamModel {
            team: k,
            kind: team.kind,
            volunteer: team.volunteer,
            eff: team.effectiveness,
            ns: rest + 1 + locs.len() * max,
            locs,
            hop,
            min: rules.min_shift_slots.max(1),
            max,
            rest,
            wmax,
            levels,
            avail,
            group,
        }
    }

    /// Number of states.
    pub fn states(&self) -> usize {
        self.levels * self.ns
    }

    /// The state before slot 0.
    pub fn initial(&self) -> u32 {
        self.rest as u32
    }

    /// Location index and shift slot of an on-shift local state `m`, if on shift.
    pub fn on_shift(&self, m: usize) -> Option<(usize, usize)> {
        (m > self.rest).then(|| {
            let x = m - self.rest - 1;
            (x / self.max, x % self.max + 1)
        })
    }

    /// Whether the horizon may end in state `x` (no shift shorter than the minimum).
    pub fn may_end(&self, x: u32) -> bool {
        let m = x as usize % self.ns;
        self.on_shift(m).is_none_or(|(_, t)| t >= self.min)
    }

    /// Calls `f(location index or None for idle, next state)` for every move of the
    /// team in slot `s` from state `x`.
    #[inline]
    pub fn moves(&self, s: usize, x: u32, mut f: impl FnMut(Option<u16>, u32)) {
        let (w, m) = (x as usize / self.ns, x as usize % self.ns);
        let base = w * self.ns;
        let on = self.on_shift(m);
        match on {
            None => f(None, (base + (m + 1).min(self.rest)) as u32),
            Some((_, t)) if t >= self.min => f(None, (base + 1) as u32),
            Some(_) => {}
        }
        if !self.avail[s] || (self.levels > 1 && w >= self.wmax) {
            return;
        }
        let next_base = if self.levels > 1 { base + self.ns } else { 0 };
        let at = |li: usize, t: usize| (next_base + self.rest + 1 + li * self.max + t - 1) as u32;
        match on {
            None if m == self.rest => {
                for li in 0..self.locs.len() {
                    f(Some(li as u16), at(li, 1));
                }
            }
            Some((li, t)) if t < self.max => {
                for &lj in &self.hop[li] {
                    f(Some(lj), at(lj as usize, t + 1));
                }
            }
            _ => {}
        }
    }
}

/// Which side of the split a component is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Patrol teams: presence, `min_patrol`, `volunteer_escort`.
    Patrol,
    /// Mobile teams: response and backup cover, post capacity.
    Mobile,
}

/// An independent part of the problem.
#[derive(Debug, Clone)]
pub struct Component {
    /// Patrol or mobile side.
    pub side: Side,
    /// Its teams.
    pub teams: Vec<TeamModel>,
    /// Regions whose presence (patrol) or cover (mobile) its teams decide, ascending.
    pub regions: Vec<usize>,
    /// Posts its teams may stand at (mobile side), ascending.
    pub posts: Vec<usize>,
}

/// Splits the instance into independent components, in a deterministic order (patrol
/// side first, each side by its first team).
pub fn components(inst: &Instance) -> Vec<Component> {
    let (_, group_of) = grouped_teams(inst);
    let (nr, np, nt) = (inst.regions().len(), inst.posts().len(), inst.teams().len());
    // Nodes: teams, then regions (patrol side), regions (cover side), posts.
    let mut uf = UnionFind::new(nt + 2 * nr + np);
    for (k, team) in inst.teams().iter().enumerate() {
        for &l in inst.reach().locations(k) {
            let l = l as usize;
            match team.kind {
                TeamKind::Patrol => uf.union(k, nt + l),
                TeamKind::Mobile => {
                    uf.union(k, nt + 2 * nr + l);
                    for &r in inst.reach().response_regions(k, l) {
                        uf.union(k, nt + nr + r as usize);
                    }
                    for &r in inst.reach().backup_regions(k, l) {
                        uf.union(k, nt + nr + r as usize);
                    }
                }
            }
        }
    }
    let mut out: Vec<Component> = Vec::new();
    let mut index_of_root = std::collections::BTreeMap::new();
    for side in [Side::Patrol, Side::Mobile] {
        for (k, team) in inst.teams().iter().enumerate() {
            let is_side = matches!(
                (side, team.kind),
                (Side::Patrol, TeamKind::Patrol) | (Side::Mobile, TeamKind::Mobile)
            );
            if !is_side || inst.reach().locations(k).is_empty() {
                continue;
            }
            let root = uf.find(k);
            let c = *index_of_root.entry(root).or_insert_with(|| {
                out.push(Component {
                    side,
                    teams: Vec::new(),
                    regions: Vec::new(),
                    posts: Vec::new(),
                });
                out.len() - 1
            });
            out[c].teams.push(TeamModel::new(inst, k, group_of[k]));
        }
    }
    for c in &mut out {
        for t in &c.teams {
            for &l in &t.locs {
                match c.side {
                    Side::Patrol => c.regions.push(l as usize),
                    Side::Mobile => {
                        c.posts.push(l as usize);
                        c.regions.extend(
                            inst.reach()
                                .response_regions(t.team, l as usize)
                                .iter()
                                .map(|&r| r as usize),
                        );
                        c.regions.extend(
                            inst.reach()
                                .backup_regions(t.team, l as usize)
                                .iter()
                                .map(|&r| r as usize),
                        );
                    }
                }
            }
        }
        c.regions.sort_unstable();
        c.regions.dedup();
        c.posts.sort_unstable();
        c.posts.dedup();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The move machine accepts exactly the rule-keeping plans that the exhaustive
    /// enumeration of `bound::mip` lists.
    #[test]
    fn moves_count_the_same_plans_as_the_enumeration() {
        let inst = Instance::from_json(include_str!("../../../tests/data/hand.json")).unwrap();
        for k in 0..inst.teams().len().min(4) {
            let t = TeamModel::new(&inst, k, 0);
            let want = crate::bound::mip::team_schedules(&inst, k).len();
            if want > 200_000 {
                continue;
            }
            // Count plans by a forward DP over states.
            let mut cur = vec![0u64; t.states()];
            cur[t.initial() as usize] = 1;
            for s in 0..inst.slots() {
                let mut next = vec![0u64; t.states()];
                for (x, &c) in cur.iter().enumerate() {
                    if c > 0 {
                        t.moves(s, x as u32, |_, y| next[y as usize] += c);
                    }
                }
                cur = next;
            }
            let got: u64 = cur
                .iter()
                .enumerate()
                .filter(|&(x, _)| t.may_end(x as u32))
                .map(|(_, &c)| c)
                .sum();
            assert_eq!(got as usize, want, "team {k}");
        }
    }
}
