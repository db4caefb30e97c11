//! Validation problems: every problem found, each with a stable code, a JSON path, the
//! cause and the action to take.

use std::fmt;

use serde::Serialize;

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable machine-readable code, for example `series_length`.
    pub code: &'static str,
    /// JSON path of the offending value, for example `teams[12].available[0]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub action: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {} ({})",
            self.code, self.path, self.message, self.action
        )
    }
}

/// Collects problems while validation goes on, so that all of them are reported.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn push(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.0.push(Problem {
            code,
            path: path.into(),
            message: message.into(),
            action: action.into(),
        });
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every validation code, with what it means (for `--help` and the docs).
pub const CODES: &[(&str, &str)] = &[
    (
        "parse",
        "the file is not JSON, has an unknown field, or a value of the wrong type",
    ),
    ("file_too_large", "the file is larger than the size limit"),
    ("format", "`format` is not `patrolplan.instance.v1`"),
    ("empty_name", "`name` or an id is empty"),
    ("too_large", "the instance claims sizes beyond the limits"),
    (
        "bad_integer",
        "a count or slot number is not a non-negative integer",
    ),
    (
        "out_of_range",
        "a number is negative, not finite, or outside its allowed range",
    ),
    ("bad_start", "`horizon.start` is not an RFC 3339 time"),
    (
        "duplicate_id",
        "an id is used twice (region and post ids share one namespace)",
    ),
    (
        "series_length",
        "a per-slot array does not have `slots` entries",
    ),
    (
        "bad_range",
        "a slot range is empty or lies outside the horizon",
    ),
    (
        "bad_coordinate",
        "a coordinate is not a valid [longitude, latitude]",
    ),
    ("no_point", "a region has neither `location` nor `boundary`"),
    (
        "bad_boundary",
        "a boundary is not a valid GeoJSON Polygon or MultiPolygon",
    ),
    (
        "matrix_shape",
        "the travel matrix is not square over its ids, or repeats an id",
    ),
    (
        "matrix_missing_id",
        "a region, post or base id is missing from the travel matrix",
    ),
    (
        "base_not_id",
        "under the matrix model a base must be a region or post id",
    ),
    ("unknown_base", "a base id names no region or post"),
    (
        "missing_speed",
        "the haversine model needs `speed_kmh` for every team",
    ),
    (
        "unknown_rules",
        "a team's `rules` names no entry of `shift_rules`",
    ),
    ("bad_shift_rules", "shift rules contradict themselves"),
    ("mobile_volunteer", "a mobile team is marked volunteer"),
    ("bad_marginals", "presence marginals are empty or increase"),
    (
        "min_patrol_unmeetable",
        "no combination of teams could ever meet a minimum-patrol requirement",
    ),
];
