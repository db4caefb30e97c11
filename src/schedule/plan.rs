//! The in-memory schedule: per team, its shifts in time order, each a start slot and
//! one location per slot (a region index for patrol teams, a post index for mobile
//! teams).

use crate::model::{Instance, Slot, TeamIdx};

/// One shift: slots `start .. start + at.len()`, standing at `at[i]` in slot `start + i`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shift {
    /// First slot of the shift.
    pub start: Slot,
    /// Location per slot: region index (patrol) or post index (mobile).
    pub at: Vec<u32>,
}

impl Shift {
    /// Location of a slot whose id in the file is not a location of the team's kind;
    /// the evaluator reports it as a `location_kind` breach and scores nothing there.
    pub const UNRESOLVED: u32 = u32::MAX;

    /// One past the last slot of the shift.
    pub fn end(&self) -> Slot {
        self.start + self.at.len()
    }

    /// Location in slot `s`, if the shift covers it.
    pub fn location_at(&self, s: Slot) -> Option<u32> {
        s.checked_sub(self.start)
            .and_then(|i| self.at.get(i).copied())
    }
}

/// A whole plan: `shifts[k]` are team `k`'s shifts in time order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Schedule {
    /// Shifts per team index, in time order.
    pub shifts: Vec<Vec<Shift>>,
}

impl Schedule {
    /// A schedule in which no team works.
    pub fn empty(instance: &Instance) -> Schedule {
        Schedule {
            shifts: vec![Vec::new(); instance.teams().len()],
        }
    }

    /// Slots worked by team `k`.
    pub fn worked_slots(&self, k: TeamIdx) -> usize {
        self.shifts[k].iter().map(|s| s.at.len()).sum()
    }

    /// Location of team `k` in slot `s`, if it works then.
    pub fn location(&self, k: TeamIdx, s: Slot) -> Option<u32> {
        self.shifts[k].iter().find_map(|sh| sh.location_at(s))
    }
}
