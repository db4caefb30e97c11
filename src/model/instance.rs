//! The validated, immutable instance: ids mapped to dense indices, per-slot values
//! expanded, points resolved, reach precomputed.

use std::sync::Arc;

use geo::{MultiPolygon, Point};

use super::reach::Reach;
use crate::geo::{Node, TravelModel};
use crate::model::raw::InstanceFile;
pub use crate::model::raw::TeamKind;
use crate::model::InstanceError;

/// Index of a region in [`Instance::regions`].
pub type RegionIdx = usize;
/// Index of a post in [`Instance::posts`].
pub type PostIdx = usize;
/// Index of a team in [`Instance::teams`].
pub type TeamIdx = usize;
/// A time slot, counted from 0.
pub type Slot = usize;

/// The planning horizon.
#[derive(Debug, Clone)]
pub struct Horizon {
    /// RFC 3339 start time, for reports only.
    pub start: Option<String>,
    /// Minutes per slot.
    pub slot_minutes: u32,
    /// Number of slots.
    pub slots: usize,
}

/// At least `teams` patrol teams in the region in every slot of `from..to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinPatrol {
    /// First slot (inclusive).
    pub from: Slot,
    /// End slot (exclusive).
    pub to: Slot,
    /// Required number of patrol teams (volunteers count).
    pub teams: u32,
}

/// A patrol region.
#[derive(Debug, Clone)]
pub struct Region {
    /// Unique id (over regions and posts).
    pub id: String,
    /// Display name.
    pub name: String,
    /// District or city, for reports.
    pub group: Option<String>,
    /// The region's point: location, else boundary centroid if inside, else interior point.
    pub point: Point<f64>,
    /// Boundary, if given.
    pub boundary: Option<MultiPolygon<f64>>,
    /// Resident population (default 1).
    pub population: f64,
    /// Risk per slot.
    pub risk: Vec<f64>,
    /// Footfall per slot, as given (default: population).
    pub footfall: Vec<f64>,
    /// Hard minimum-patrol requirements.
    pub min_patrol: Vec<MinPatrol>,
}

/// A stand-by post for mobile teams.
#[derive(Debug, Clone)]
pub struct Post {
    /// Unique id (over regions and posts).
    pub id: String,
    /// Location.
    pub point: Point<f64>,
    /// Maximum number of mobile teams at the post in one slot.
    pub capacity: u32,
}

/// Shift-shape rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRules {
    /// Key in `shift_rules`.
    pub name: String,
    /// Shortest shift, in slots.
    pub min_shift_slots: usize,
    /// Longest shift, in slots.
    pub max_shift_slots: usize,
    /// Fewest idle slots between two shifts (>= 1).
    pub min_rest_slots: usize,
    /// Most slots worked over the horizon.
    pub max_work_slots: usize,
    /// Longest travel allowed between consecutive slots of a shift.
    pub max_hop_minutes: f64,
}

/// One team.
#[derive(Debug, Clone)]
pub struct Team {
    /// Unique team id.
    pub id: String,
    /// Patrol or mobile.
    pub kind: TeamKind,
    /// Volunteer group (patrol only).
    pub volunteer: bool,
    /// Number of people, for personnel counts.
    pub members: u32,
    /// Where reach is measured from.
    pub base: Node,
    /// Travel speed (ignored by the matrix model).
    pub speed_kmh: f64,
    /// Farthest location from the base, if limited.
    pub reach_minutes: Option<f64>,
    /// Presence contributed per slot, in (0, 1].
    pub effectiveness: f64,
    /// Index into [`Instance::rules`].
    pub rules: usize,
    /// Sorted, disjoint, non-touching half-open slot ranges when the team may work.
    pub available: Vec<(Slot, Slot)>,
}

impl Team {
    /// Whether the team may work in slot `s`.
    pub fn is_available(&self, s: Slot) -> bool {
        self.available.iter().any(|&(a, b)| a <= s && s < b)
    }

    /// Number of slots the team may work.
    pub fn available_slots(&self) -> usize {
        self.available.iter().map(|&(a, b)| b - a).sum()
    }
}

/// Objective weights and standards.
#[derive(Debug, Clone)]
pub struct Objective {
    /// Value of the 1st, 2nd, ... unit of presence; non-increasing.
    pub presence_marginals: Vec<f64>,
    /// Weight of risk in the presence weight.
    pub risk_weight: f64,
    /// Weight of rescaled footfall in the presence weight.
    pub footfall_weight: f64,
    /// Response standard, minutes.
    pub response_minutes: f64,
    /// Weight of response coverage.
    pub response_weight: f64,
    /// Backup standard, minutes.
    pub backup_minutes: f64,
    /// Weight of backup coverage.
    pub backup_weight: f64,
    /// Share of risk that full presence deters (for the incidents KPI).
    pub deterrence: f64,
    /// Whether a volunteer team needs a professional patrol team in its region.
    pub volunteers_need_professional: bool,
}

impl Objective {
    /// The concave presence value `g(P) = sum_j m_j * clamp(P - (j-1), 0, 1)`.
    pub fn presence_value(&self, presence: f64) -> f64 {
        self.presence_marginals
            .iter()
            .enumerate()
            .map(|(j, m)| m * (presence - j as f64).clamp(0.0, 1.0))
            .sum()
    }

    /// `G = sum_j m_j`, the largest presence value.
    pub fn max_presence_value(&self) -> f64 {
        self.presence_marginals.iter().sum()
    }
}

/// A validated instance. Build it with [`crate::model::load_instance`],
/// [`Instance::from_file`] or [`Instance::from_json`]; it cannot be changed afterwards.
/// A changed instance is a new one: [`Instance::replace`] edits a copy of the file the
/// instance came from and validates it again (as PyVRP's `ProblemData.replace`).
#[derive(Debug, Clone)]
pub struct Instance {
    parts: InstanceParts,
    /// The file this instance was validated from (shared by clones), for
    /// [`Instance::to_file`] and [`Instance::replace`].
    source: Arc<InstanceFile>,
}

/// The validated parts of an instance, as [`crate::model::validate`] assembles them.
#[derive(Debug, Clone)]
pub(crate) struct InstanceParts {
    pub name: String,
    pub horizon: Horizon,
    pub travel: TravelModel,
    pub regions: Vec<Region>,
    pub posts: Vec<Post>,
    pub rules: Vec<ShiftRules>,
    pub teams: Vec<Team>,
    pub objective: Objective,
    /// Travel node of each region.
    pub region_nodes: Vec<Node>,
    /// Travel node of each post.
    pub post_nodes: Vec<Node>,
    /// Presence weight of each region-slot.
    pub weights: Vec<f64>,
    pub reach: Reach,
}

impl Instance {
    /// Assembles validated parts; only validation calls it, so every `Instance` has been
    /// checked against its source file.
    pub(crate) fn assemble(parts: InstanceParts, source: Arc<InstanceFile>) -> Instance {
        Instance { parts, source }
    }

    /// Instance name (schedules must quote it).
    pub fn name(&self) -> &str {
        &self.parts.name
    }

    /// Planning horizon.
    pub fn horizon(&self) -> &Horizon {
        &self.parts.horizon
    }

    /// Travel model.
    pub fn travel(&self) -> &TravelModel {
        &self.parts.travel
    }

    /// Regions, in file order.
    pub fn regions(&self) -> &[Region] {
        &self.parts.regions
    }

    /// Posts, in file order.
    pub fn posts(&self) -> &[Post] {
        &self.parts.posts
    }

    /// Shift rules, in key order.
    pub fn rules(&self) -> &[ShiftRules] {
        &self.parts.rules
    }

    /// Teams, in file order.
    pub fn teams(&self) -> &[Team] {
        &self.parts.teams
    }

    /// Objective weights and standards.
    pub fn objective(&self) -> &Objective {
        &self.parts.objective
    }

    /// Region nodes for travel, by region index.
    pub fn region_nodes(&self) -> &[Node] {
        &self.parts.region_nodes
    }

    /// Post nodes for travel, by post index.
    pub fn post_nodes(&self) -> &[Node] {
        &self.parts.post_nodes
    }

    /// Presence weights `w[r,s]`, row-major by region (`r * slots + s`).
    pub fn weights(&self) -> &[f64] {
        &self.parts.weights
    }

    /// Precomputed reach, hop and cover relations.
    pub fn reach(&self) -> &Reach {
        &self.parts.reach
    }

    /// The file this instance was validated from.
    pub fn source(&self) -> &InstanceFile {
        &self.source
    }

    /// A copy of the file this instance was validated from (write it to get the same
    /// instance back).
    pub fn to_file(&self) -> InstanceFile {
        (*self.source).clone()
    }

    /// A new instance: `change` edits a copy of this instance's file, which is then
    /// validated again from scratch; every problem of the changed file is reported.
    pub fn replace(
        &self,
        change: impl FnOnce(&mut InstanceFile),
    ) -> Result<Instance, InstanceError> {
        let mut file = self.to_file();
        change(&mut file);
        Instance::from_file_owned(file)
    }

    /// Number of slots.
    pub fn slots(&self) -> usize {
        self.parts.horizon.slots
    }

    /// Presence weight of region `r` in slot `s`.
    pub fn weight(&self, r: RegionIdx, s: Slot) -> f64 {
        self.parts.weights[r * self.parts.horizon.slots + s]
    }

    /// Travel minutes of `team` between two locations of its kind (regions for patrol
    /// teams, posts for mobile teams).
    pub fn hop_minutes(&self, team: TeamIdx, from: usize, to: usize) -> f64 {
        let t = &self.parts.teams[team];
        let nodes = self.nodes(t.kind);
        self.parts
            .travel
            .minutes(t.speed_kmh, &nodes[from], &nodes[to])
    }

    /// Travel minutes of `team` from its base to a location of its kind.
    pub fn base_minutes(&self, team: TeamIdx, to: usize) -> f64 {
        let t = &self.parts.teams[team];
        self.parts
            .travel
            .minutes(t.speed_kmh, &t.base, &self.nodes(t.kind)[to])
    }

    /// Travel minutes of `team` from its base to location `to` of `kind`, which need not
    /// be the team's own kind: the evaluator also measures a region listed for a mobile
    /// team (or a post for a patrol team), so that a `reach` breach there is listed too.
    pub fn base_minutes_to(&self, team: TeamIdx, kind: TeamKind, to: usize) -> f64 {
        let t = &self.parts.teams[team];
        self.parts
            .travel
            .minutes(t.speed_kmh, &t.base, &self.nodes(kind)[to])
    }

    /// Travel minutes of mobile `team` from post `p` to region `r`'s point.
    pub fn post_to_region_minutes(&self, team: TeamIdx, p: PostIdx, r: RegionIdx) -> f64 {
        let t = &self.parts.teams[team];
        self.parts.travel.minutes(
            t.speed_kmh,
            &self.parts.post_nodes[p],
            &self.parts.region_nodes[r],
        )
    }

    /// The travel nodes of the locations a team of `kind` stands in.
    pub fn nodes(&self, kind: TeamKind) -> &[Node] {
        match kind {
            TeamKind::Patrol => &self.parts.region_nodes,
            TeamKind::Mobile => &self.parts.post_nodes,
        }
    }

    /// The ids of the locations a team of `kind` stands in.
    pub fn location_id(&self, kind: TeamKind, loc: usize) -> &str {
        match kind {
            TeamKind::Patrol => &self.parts.regions[loc].id,
            TeamKind::Mobile => &self.parts.posts[loc].id,
        }
    }

    /// The shift rules of a team.
    pub fn rules_of(&self, team: TeamIdx) -> &ShiftRules {
        &self.parts.rules[self.parts.teams[team].rules]
    }
}
