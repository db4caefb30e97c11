//! Aggregation of identical teams: teams with the same kind, base, speed, reach,
//! effectiveness, rules, availability and volunteer flag have the same feasible
//! schedules and the same cover sets, so a relaxation may treat them as one group with
//! a count (any feasible plan maps to group counts; the relaxations below only need
//! those counts).

use std::collections::BTreeMap;

use crate::model::Instance;

/// A set of identical teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// A representative team index (the first in file order).
    pub rep: usize,
    /// Number of teams in the group.
    pub count: usize,
}

/// Groups of identical teams, in order of their first team.
pub fn team_groups(inst: &Instance) -> Vec<Group> {
    grouped_teams(inst).0
}

/// [`team_groups`] and, per team, the index of its group.
pub fn grouped_teams(inst: &Instance) -> (Vec<Group>, Vec<usize>) {
    let mut keys = BTreeMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = Vec::with_capacity(inst.teams().len());
    for (k, t) in inst.teams().iter().enumerate() {
        let key = (
            t.kind,
            t.volunteer,
            t.base.point.x().to_bits(),
            t.base.point.y().to_bits(),
            t.base.matrix,
            t.speed_kmh.to_bits(),
            t.reach_minutes.map(f64::to_bits),
            t.effectiveness.to_bits(),
            t.rules,
            t.available.clone(),
        );
        let g = *keys.entry(key).or_insert_with(|| {
            groups.push(Group { rep: k, count: 0 });
            groups.len() - 1
        });
        groups[g].count += 1;
        group_of.push(g);
    }
    (groups, group_of)
}
