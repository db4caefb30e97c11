//! Breaches of the hard rules (MODEL.md section 4).

use std::fmt;

use serde::Serialize;

/// A hard rule of the contract, named as in MODEL.md section 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Every working slot lies in one of the team's `available` ranges.
    Availability,
    /// Every location is within `reach_minutes` of the team's base.
    Reach,
    /// The team exists; patrol teams in regions, mobile teams at posts; ids exist.
    LocationKind,
    /// `min_shift_slots <= len <= max_shift_slots`.
    ShiftLength,
    /// At least `min_rest_slots` idle slots between consecutive shifts.
    Rest,
    /// At most `max_work_slots` worked slots over the horizon.
    WorkLimit,
    /// Consecutive slots of a shift within `max_hop_minutes` of each other.
    Hop,
    /// At least `teams` patrol teams in the region in each required slot.
    MinPatrol,
    /// At most `capacity` mobile teams at a post in a slot.
    PostCapacity,
    /// A volunteer team's region has a professional patrol team in the same slot.
    VolunteerEscort,
    /// A re-plan equals the previous schedule in every slot before `now` (section 9).
    History,
    /// A re-plan equals the previous schedule in every team-slot of a `pin` (section 9).
    Pin,
    /// A re-plan changes at most `max_changes` team-slots from `now` on (section 9).
    MaxChanges,
}

impl Rule {
    /// Every rule of section 4, in the contract's order.
    pub const ALL: [Rule; 10] = [
        Rule::Availability,
        Rule::Reach,
        Rule::LocationKind,
        Rule::ShiftLength,
        Rule::Rest,
        Rule::WorkLimit,
        Rule::Hop,
        Rule::MinPatrol,
        Rule::PostCapacity,
        Rule::VolunteerEscort,
    ];

    /// The rules section 9 adds for a re-planned schedule.
    pub const REPLAN: [Rule; 3] = [Rule::History, Rule::Pin, Rule::MaxChanges];

    /// The contract's name of the rule, for example `post_capacity`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Availability => "availability",
            Rule::Reach => "reach",
            Rule::LocationKind => "location_kind",
            Rule::ShiftLength => "shift_length",
            Rule::Rest => "rest",
            Rule::WorkLimit => "work_limit",
            Rule::Hop => "hop",
            Rule::MinPatrol => "min_patrol",
            Rule::PostCapacity => "post_capacity",
            Rule::VolunteerEscort => "volunteer_escort",
            Rule::History => "history",
            Rule::Pin => "pin",
            Rule::MaxChanges => "max_changes",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One breach of one hard rule. Fields that do not apply are `None` (JSON null): for
/// example `min_patrol` names no team, `work_limit` names the first slot over the limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The rule broken.
    pub rule: Rule,
    /// Team id, as written.
    pub team: Option<String>,
    /// Slot of the breach.
    pub slot: Option<usize>,
    /// Region or post id, as written.
    pub location: Option<String>,
    /// What is wrong, in plain words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rule)?;
        if let Some(t) = &self.team {
            write!(f, " team {t}")?;
        }
        if let Some(s) = self.slot {
            write!(f, " slot {s}")?;
        }
        if let Some(l) = &self.location {
            write!(f, " at {l}")?;
        }
        write!(f, ": {}", self.detail)
    }
}
