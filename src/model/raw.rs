//! Serde mirror of the `patrolplan.instance.v1` file format.
//!
//! These types accept anything that is shaped like an instance; every semantic rule
//! (ranges, lengths, ids) is checked by [`crate::model::validate`], so that a file with
//! many problems reports all of them at once. Integer fields are kept as
//! [`serde_json::Number`] for the same reason: `"slots": 1.5` is a validation problem
//! with a path, not a parse failure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Number;

/// The exact value of the `format` field of an instance file.
pub const INSTANCE_FORMAT: &str = "patrolplan.instance.v1";

/// A whole instance file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceFile {
    pub format: String,
    pub name: String,
    pub horizon: HorizonSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<TravelSpec>,
    pub regions: Vec<RegionSpec>,
    #[serde(default)]
    pub posts: Vec<PostSpec>,
    #[serde(default)]
    pub shift_rules: BTreeMap<String, ShiftRulesSpec>,
    pub teams: Vec<TeamSpec>,
    #[serde(default)]
    pub objective: ObjectiveSpec,
}

/// The planning horizon.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HorizonSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    pub slot_minutes: Number,
    pub slots: Number,
}

/// How travel minutes are computed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "model", deny_unknown_fields)]
pub enum TravelSpec {
    /// Great-circle distance times a detour factor, at the team's speed.
    #[serde(rename = "haversine")]
    Haversine {
        #[serde(default = "default_detour")]
        detour_factor: f64,
    },
    /// Explicit minutes between ids; `null` is unreachable.
    #[serde(rename = "matrix")]
    Matrix {
        ids: Vec<String>,
        minutes: Vec<Vec<Option<f64>>>,
    },
}

fn default_detour() -> f64 {
    1.3
}

/// A number, or one number per slot.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerSlot {
    Scalar(f64),
    Series(Vec<f64>),
}

/// A patrol region (usually a street or a grid cell).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<geojson::Geometry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<f64>,
    pub risk: PerSlot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footfall: Option<PerSlot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub min_patrol: Vec<MinPatrolSpec>,
}

/// A hard requirement: at least `teams` patrol teams in the region in slots `[from, to)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinPatrolSpec {
    pub from: Number,
    pub to: Number,
    pub teams: Number,
}

/// A stand-by post for mobile teams.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostSpec {
    pub id: String,
    pub location: [f64; 2],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Number>,
}

/// Shift-shape rules shared by many teams.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftRulesSpec {
    pub min_shift_slots: Number,
    pub max_shift_slots: Number,
    pub min_rest_slots: Number,
    pub max_work_slots: Number,
    pub max_hop_minutes: f64,
}

/// Patrol or mobile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamKind {
    /// Joint-patrol team (professional or volunteer); stands in regions.
    Patrol,
    /// Emergency mobile team; stands by at posts.
    Mobile,
}

/// Where a team starts from: a point or the id of a region or post.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BaseSpec {
    Point([f64; 2]),
    Id(String),
}

/// One team.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    pub id: String,
    pub kind: TeamKind,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub volunteer: bool,
    pub members: Number,
    pub base: BaseSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_kmh: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effectiveness: Option<f64>,
    pub rules: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<Vec<[Number; 2]>>,
}

/// Objective weights; every field is optional.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObjectiveSpec {
    pub presence_marginals: Vec<f64>,
    pub risk_weight: f64,
    pub footfall_weight: f64,
    pub response_minutes: f64,
    pub response_weight: f64,
    pub backup_minutes: f64,
    pub backup_weight: f64,
    pub deterrence: f64,
    pub volunteers_need_professional: bool,
}

impl Default for ObjectiveSpec {
    fn default() -> Self {
        ObjectiveSpec {
            presence_marginals: vec![1.0, 0.5, 0.25],
            risk_weight: 1.0,
            footfall_weight: 0.2,
            response_minutes: 5.0,
            response_weight: 1.0,
            backup_minutes: 10.0,
            backup_weight: 0.3,
            deterrence: 0.25,
            volunteers_need_professional: true,
        }
    }
}
