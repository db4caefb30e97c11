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

    /// Location of a slot written `null`: a dispatched team on duty at an incident
    /// (MODEL.md section 9). The slot is worked but the team stands nowhere; outside a
    /// re-plan's `dispatched` ranges it is a `location_kind` breach.
    pub const NULL: u32 = u32::MAX - 1;

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

/// What a team does in one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cell {
    /// Not working.
    Off,
    /// Working at this location (region or post index, or [`Shift::UNRESOLVED`]).
    At(u32),
    /// Working with no location (`null`: dispatched).
    Null,
}

/// A whole plan: `shifts[k]` are team `k`'s shifts in time order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Schedule {
    /// Shifts per team index, in time order.
    pub shifts: Vec<Vec<Shift>>,
}

impl Schedule {
    /// The shifts of team `k`; none when the schedule lists fewer teams (a schedule file
    /// read for another instance).
    pub fn team_shifts(&self, k: usize) -> &[Shift] {
        self.shifts.get(k).map(Vec::as_slice).unwrap_or(&[])
    }

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

    /// What team `k` does in slot `s` (teams beyond the schedule are off).
    pub fn cell(&self, k: TeamIdx, s: Slot) -> Cell {
        match self.team_shifts(k).iter().find_map(|x| x.location_at(s)) {
            None => Cell::Off,
            Some(Shift::NULL) => Cell::Null,
            Some(l) => Cell::At(l),
        }
    }

    /// Team `k`'s cells over `0..slots`.
    pub fn row(&self, k: TeamIdx, slots: Slot) -> Vec<Cell> {
        let mut row = vec![Cell::Off; slots];
        for sh in self.team_shifts(k) {
            for (i, &l) in sh.at.iter().enumerate() {
                if let Some(c) = row.get_mut(sh.start.saturating_add(i)) {
                    *c = if l == Shift::NULL {
                        Cell::Null
                    } else {
                        Cell::At(l)
                    };
                }
            }
        }
        row
    }

    /// Sets team `k`'s shifts from its cells (maximal runs of working cells).
    pub fn set_row(&mut self, k: TeamIdx, row: &[Cell]) {
        let mut shifts: Vec<Shift> = Vec::new();
        let mut open = false;
        for (s, c) in row.iter().enumerate() {
            let l = match *c {
                Cell::Off => {
                    open = false;
                    continue;
                }
                Cell::At(l) => l,
                Cell::Null => Shift::NULL,
            };
            if open {
                shifts.last_mut().expect("an open shift").at.push(l);
            } else {
                shifts.push(Shift {
                    start: s,
                    at: vec![l],
                });
                open = true;
            }
        }
        self.shifts[k] = shifts;
    }
}
