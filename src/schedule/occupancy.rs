//! Who stands where in each slot, as per-slot arrays, built once per evaluation.
//!
//! A team is *in* a location in a slot when one of its shifts puts it there; a team
//! listed twice for the same slot and location (overlapping shifts, already a `rest`
//! breach) is still one team there. Slots beyond the horizon and unresolved locations
//! are worked (they count for the shift rules) but stand nowhere (they score nothing).

use crate::model::{Instance, Slot, TeamIdx, TeamKind};
use crate::schedule::plan::Schedule;

/// Per-slot occupancy of a schedule.
#[derive(Debug, Clone)]
pub(crate) struct Occupancy {
    /// Number of slots of the horizon.
    pub slots: usize,
    /// Per team: sorted distinct `(slot, location)` with an in-horizon slot and a valid
    /// location of the team's kind.
    pub positions: Vec<Vec<(Slot, u32)>>,
    /// Per team: distinct slots worked, in the horizon or not, sorted.
    pub worked: Vec<Vec<Slot>>,
    /// `P[r,s]`: sum of effectiveness of patrol teams in region `r` at slot `s`.
    pub presence: Vec<f64>,
    /// Patrol teams (volunteers included) in region `r` at slot `s`.
    pub patrols: Vec<u32>,
    /// Non-volunteer patrol teams in region `r` at slot `s`.
    pub professionals: Vec<u32>,
    /// Mobile teams at post `p` in slot `s` (`p * slots + s`).
    pub at_post: Vec<u32>,
    /// Per slot: the `(team, post)` pairs of working mobile teams, sorted.
    pub mobile: Vec<Vec<(TeamIdx, u32)>>,
}

impl Occupancy {
    /// Builds the occupancy of the instance's teams (shifts of indices beyond the
    /// instance's teams are ignored here and reported by the rule checks).
    pub fn new(instance: &Instance, schedule: &Schedule) -> Occupancy {
        let slots = instance.slots();
        let (nr, np) = (instance.regions().len(), instance.posts().len());
        let mut occ = Occupancy {
            slots,
            positions: vec![Vec::new(); instance.teams().len()],
            worked: vec![Vec::new(); instance.teams().len()],
            presence: vec![0.0; nr * slots],
            patrols: vec![0; nr * slots],
            professionals: vec![0; nr * slots],
            at_post: vec![0; np * slots],
            mobile: vec![Vec::new(); slots],
        };
        for (k, team) in instance.teams().iter().enumerate() {
            let shifts = schedule.team_shifts(k);
            let n_locations = instance.nodes(team.kind).len();
            let mut worked = Vec::new();
            let mut positions = Vec::new();
            for shift in shifts {
                for (i, &l) in shift.at.iter().enumerate() {
                    let s = shift.start.saturating_add(i);
                    worked.push(s);
                    if s < slots && (l as usize) < n_locations {
                        positions.push((s, l));
                    }
                }
            }
            worked.sort_unstable();
            worked.dedup();
            positions.sort_unstable();
            positions.dedup();
            for &(s, l) in &positions {
                let l = l as usize;
                match team.kind {
                    TeamKind::Patrol => {
                        let i = l * slots + s;
                        occ.presence[i] += team.effectiveness;
                        occ.patrols[i] += 1;
                        if !team.volunteer {
                            occ.professionals[i] += 1;
                        }
                    }
                    TeamKind::Mobile => {
                        occ.at_post[l * slots + s] += 1;
                        occ.mobile[s].push((k, l as u32));
                    }
                }
            }
            occ.worked[k] = worked;
            occ.positions[k] = positions;
        }
        occ
    }

    /// Slots worked by team `k` within the horizon.
    pub fn worked_in_horizon(&self, k: TeamIdx) -> usize {
        self.worked[k].iter().filter(|&&s| s < self.slots).count()
    }
}
