//! Minimum-patrol requirements that no team could ever meet.

use crate::model::instance::{Instance, Team, TeamKind};
use crate::model::problem::{Problem, Problems};

/// A requirement is unmeetable when, in some slot, fewer patrol teams could stand in the
/// region than it asks for: teams that reach it, are available then within a window
/// long enough for a shortest shift, and may work at all. With volunteer escort on, at
/// least one professional must be among them.
pub(super) fn check_min_patrol(inst: &Instance) -> Vec<Problem> {
    let mut ps = Problems::default();
    let mut reachers: Vec<Vec<usize>> = vec![Vec::new(); inst.regions().len()];
    for (k, t) in inst.teams().iter().enumerate() {
        if t.kind == TeamKind::Patrol && inst.rules_of(k).max_work_slots > 0 {
            for &r in inst.reach().locations(k) {
                reachers[r as usize].push(k);
            }
        }
    }
    for (r, region) in inst.regions().iter().enumerate() {
        for (j, m) in region.min_patrol.iter().enumerate() {
            if m.teams == 0 {
                continue;
            }
            let worst = (m.from..m.to).find_map(|s| {
                let able: Vec<&Team> = reachers[r]
                    .iter()
                    .filter(|&&k| {
                        let t = &inst.teams()[k];
                        let need = inst.rules()[t.rules].min_shift_slots.max(1);
                        t.available
                            .iter()
                            .any(|&(a, b)| a <= s && s < b && b - a >= need)
                    })
                    .map(|&k| &inst.teams()[k])
                    .collect();
                let pros = able.iter().filter(|t| !t.volunteer).count();
                let short = able.len() < m.teams as usize
                    || (inst.objective().volunteers_need_professional && pros == 0);
                short.then_some((s, able.len(), pros))
            });
            if let Some((s, able, pros)) = worst {
                ps.push(
                    "min_patrol_unmeetable",
                    format!("regions[{r}].min_patrol[{j}]"),
                    format!(
                        "slot {s} needs {} patrol teams in {:?} but only {able} can reach it and work then ({pros} professional)",
                        m.teams, region.id
                    ),
                    "lower the requirement, widen team reach or availability, or add teams",
                );
            }
        }
    }
    ps.0
}
