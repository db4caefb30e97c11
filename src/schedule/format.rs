//! The `patrolplan.schedule.v1` file format: reading a file into the in-memory
//! [`Schedule`] and writing one back.
//!
//! Only what makes a file unreadable *as a schedule* is an error here (not JSON, wrong
//! `format`, another instance, a team listed twice, an empty `at`, unknown fields, a
//! negative or overflowing slot number). Everything else that is wrong with a plan —
//! unknown team or location ids, a region given to a mobile team, slots beyond the
//! horizon, shifts out of order — is kept, so that the evaluator reports it as a breach
//! of a hard rule: unresolved locations become [`Shift::UNRESOLVED`] with the id kept
//! in [`ScheduleInput::unresolved`], unknown teams are kept in
//! [`ScheduleInput::unknown_teams`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::plan::{Schedule, Shift};
use crate::model::write_atomic;
use crate::model::{Instance, Slot, TeamIdx, TeamKind};

/// The exact value of the `format` field of a schedule file.
pub const SCHEDULE_FORMAT: &str = "patrolplan.schedule.v1";

/// A whole schedule file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFile {
    /// Always [`SCHEDULE_FORMAT`].
    pub format: String,
    /// Name of the instance the schedule is for.
    pub instance: String,
    /// Teams that work, each with its shifts in time order.
    pub teams: Vec<TeamShifts>,
    /// Free-form summary written by the tools (objective, KPIs, ...); ignored on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<serde_json::Value>,
}

/// One team's shifts in a schedule file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamShifts {
    /// Team id.
    pub id: String,
    /// Shifts in time order.
    pub shifts: Vec<ShiftEntry>,
}

/// One shift in a schedule file: slots `start .. start + at.len()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftEntry {
    /// First slot.
    pub start: Slot,
    /// Region id (patrol team) or post id (mobile team) per slot; `null` (`None`) for a
    /// dispatched team on duty at an incident (MODEL.md section 9).
    pub at: Vec<Option<String>>,
}

/// One thing that makes a file unreadable as a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleProblem {
    /// JSON path, for example `teams[3].shifts[0].at`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScheduleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a schedule file could not be read (bad input, not a breach of a rule).
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Not JSON, or not shaped like a schedule (unknown field, wrong type, negative slot).
    #[error("not a patrolplan.schedule.v1 file: at {path}: {message}")]
    Parse {
        /// JSON path of the offending value.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// Well-formed JSON with problems that make it unusable as a schedule.
    #[error("{} problem(s) in the schedule:\n{}", .0.len(), render(.0))]
    Invalid(Vec<ScheduleProblem>),
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

fn render(ps: &[ScheduleProblem]) -> String {
    ps.iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A location id in the file that is not a location of the team's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedLocation {
    /// Team index.
    pub team: TeamIdx,
    /// Slot (may lie beyond the horizon).
    pub slot: Slot,
    /// The id as written in the file.
    pub id: String,
}

/// A team id in the file that the instance does not have, with its shifts as written.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownTeam {
    /// The id as written.
    pub id: String,
    /// Its shifts as written.
    pub shifts: Vec<ShiftEntry>,
}

/// A schedule read from a file, with what did not resolve against the instance kept
/// aside so that [`crate::schedule::evaluate_input`] can report it.
#[derive(Debug, Clone, Default)]
pub struct ScheduleInput {
    /// The plan of the instance's teams; unresolved locations are [`Shift::UNRESOLVED`].
    pub schedule: Schedule,
    /// Every location id that is not a location of its team's kind.
    pub unresolved: Vec<UnresolvedLocation>,
    /// Team ids that are not in the instance.
    pub unknown_teams: Vec<UnknownTeam>,
}

/// Parses schedule JSON without looking at the instance.
pub fn parse_schedule_file(json: &str) -> Result<ScheduleFile, ScheduleError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ScheduleError::Parse {
            path: if path == "." { "(file)".into() } else { path },
            message: e.into_inner().to_string(),
        }
    })
}

/// Reads schedule JSON for `instance`, keeping every breach representable (see the
/// module documentation). Errors only on bad input.
pub fn read_schedule_input(
    instance: &Instance,
    json: &str,
) -> Result<ScheduleInput, ScheduleError> {
    let file = parse_schedule_file(json)?;
    resolve_schedule_file(instance, &file)
}

/// Reads schedule JSON for `instance` into a [`Schedule`]. Locations that do not resolve
/// become [`Shift::UNRESOLVED`] (reported by [`crate::schedule::evaluate`] as
/// `location_kind`); shifts of team ids the instance does not have are dropped — use
/// [`read_schedule_input`] and [`crate::schedule::evaluate_input`] to have those
/// reported too.
pub fn read_schedule(instance: &Instance, json: &str) -> Result<Schedule, ScheduleError> {
    read_schedule_input(instance, json).map(|input| input.schedule)
}

/// Resolves a parsed file against `instance`.
pub fn resolve_schedule_file(
    instance: &Instance,
    file: &ScheduleFile,
) -> Result<ScheduleInput, ScheduleError> {
    let mut problems = Vec::new();
    let mut problem =
        |path: String, message: String| problems.push(ScheduleProblem { path, message });
    if file.format != SCHEDULE_FORMAT {
        problem(
            "format".into(),
            format!("is {:?}, expected {SCHEDULE_FORMAT:?}", file.format),
        );
    }
    if file.instance != instance.name() {
        problem(
            "instance".into(),
            format!(
                "the schedule is for instance {:?}, not {:?}",
                file.instance,
                instance.name()
            ),
        );
    }
    let team_index: BTreeMap<&str, TeamIdx> = instance
        .teams()
        .iter()
        .enumerate()
        .map(|(k, t)| (t.id.as_str(), k))
        .collect();
    let region_index: BTreeMap<&str, u32> = instance
        .regions()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as u32))
        .collect();
    let post_index: BTreeMap<&str, u32> = instance
        .posts()
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();

    let mut input = ScheduleInput {
        schedule: Schedule::empty(instance),
        ..Default::default()
    };
    let mut first_seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, entry) in file.teams.iter().enumerate() {
        if let Some(j) = first_seen.insert(entry.id.as_str(), i) {
            problem(
                format!("teams[{i}].id"),
                format!("team {:?} is already listed at teams[{j}]", entry.id),
            );
            continue;
        }
        for (j, shift) in entry.shifts.iter().enumerate() {
            let path = format!("teams[{i}].shifts[{j}]");
            if shift.at.is_empty() {
                problem(
                    format!("{path}.at"),
                    "a shift must cover at least one slot".into(),
                );
            } else if shift.start.checked_add(shift.at.len()).is_none() {
                problem(
                    format!("{path}.start"),
                    format!("slot {} is too large", shift.start),
                );
            }
        }
        let Some(&k) = team_index.get(entry.id.as_str()) else {
            input.unknown_teams.push(UnknownTeam {
                id: entry.id.clone(),
                shifts: entry.shifts.clone(),
            });
            continue;
        };
        let own = match instance.teams()[k].kind {
            TeamKind::Patrol => &region_index,
            TeamKind::Mobile => &post_index,
        };
        for shift in &entry.shifts {
            let at = shift
                .at
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let Some(id) = id else {
                        return Shift::NULL;
                    };
                    own.get(id.as_str()).copied().unwrap_or_else(|| {
                        let slot = shift.start.saturating_add(i);
                        input.unresolved.push(UnresolvedLocation {
                            team: k,
                            slot,
                            id: id.clone(),
                        });
                        Shift::UNRESOLVED
                    })
                })
                .collect();
            input.schedule.shifts[k].push(Shift {
                start: shift.start,
                at,
            });
        }
    }
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(ScheduleError::Invalid(problems))
    }
}

/// The file form of `schedule`: teams in instance order, teams with no shifts left
/// out, locations written as ids (an index that is not a location is written `#index`,
/// which reads back as an unknown id).
pub fn to_schedule_file(
    instance: &Instance,
    schedule: &Schedule,
    summary: Option<serde_json::Value>,
) -> ScheduleFile {
    let teams = schedule
        .shifts
        .iter()
        .enumerate()
        .filter(|(k, shifts)| *k < instance.teams().len() && !shifts.is_empty())
        .map(|(k, shifts)| {
            let team = &instance.teams()[k];
            let n = instance.nodes(team.kind).len();
            TeamShifts {
                id: team.id.clone(),
                shifts: shifts
                    .iter()
                    .map(|sh| ShiftEntry {
                        start: sh.start,
                        at: sh
                            .at
                            .iter()
                            .map(|&l| match l as usize {
                                _ if l == Shift::NULL => None,
                                l if l < n => Some(instance.location_id(team.kind, l).to_string()),
                                l => Some(format!("#{l}")),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    ScheduleFile {
        format: SCHEDULE_FORMAT.into(),
        instance: instance.name().to_string(),
        teams,
        summary,
    }
}

/// Pretty JSON text of a schedule file, ending with a newline.
pub fn schedule_file_json(file: &ScheduleFile) -> String {
    let mut text = serde_json::to_string_pretty(file).expect("schedule files always serialize");
    text.push('\n');
    text
}

/// Writes a schedule file atomically.
pub fn write_schedule_file(path: &Path, file: &ScheduleFile) -> std::io::Result<()> {
    write_atomic(path, schedule_file_json(file).as_bytes())
}

/// Reads a schedule file from disk for `instance` (see [`read_schedule_input`]).
pub fn load_schedule_input(
    instance: &Instance,
    path: &Path,
) -> Result<ScheduleInput, ScheduleError> {
    let json = crate::model::read_bounded(path).map_err(|e| match e {
        crate::model::InstanceError::Io { path, source } => ScheduleError::Io { path, source },
        other => ScheduleError::Invalid(vec![ScheduleProblem {
            path: "(file)".into(),
            message: other.to_string(),
        }]),
    })?;
    read_schedule_input(instance, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hand() -> Instance {
        Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap()
    }

    #[test]
    fn round_trip_keeps_every_shift() {
        let inst = hand();
        let json = r#"{"format":"patrolplan.schedule.v1","instance":"hand",
            "teams":[{"id":"M1","shifts":[{"start":0,"at":["P1","P1"]}]},
                     {"id":"T1","shifts":[{"start":1,"at":["R1","R2"]}]}]}"#;
        let s = read_schedule(&inst, json).unwrap();
        assert_eq!(
            s.shifts[0],
            vec![Shift {
                start: 1,
                at: vec![0, 1]
            }]
        );
        assert!(s.shifts[1].is_empty());
        let file = to_schedule_file(&inst, &s, None);
        assert_eq!(file.teams.len(), 2, "idle V1 left out");
        assert_eq!(file.teams[0].id, "T1");
        let back = read_schedule(&inst, &schedule_file_json(&file)).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn bad_input_lists_every_problem() {
        let inst = hand();
        let json = r#"{"format":"x","instance":"other",
            "teams":[{"id":"T1","shifts":[{"start":0,"at":[]}]},{"id":"T1","shifts":[]}]}"#;
        match read_schedule(&inst, json) {
            Err(ScheduleError::Invalid(ps)) => assert_eq!(ps.len(), 4, "{ps:?}"),
            other => panic!("{other:?}"),
        }
        for bad in [
            "not json",
            r#"{"format":"patrolplan.schedule.v1","instance":"hand","teams":[],"extra":1}"#,
            r#"{"format":"patrolplan.schedule.v1","instance":"hand","teams":[{"id":"T1","shifts":[{"start":-1,"at":["R1"]}]}]}"#,
        ] {
            assert!(
                matches!(read_schedule(&inst, bad), Err(ScheduleError::Parse { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_ids_survive_for_the_evaluator() {
        let inst = hand();
        let json = r#"{"format":"patrolplan.schedule.v1","instance":"hand",
            "teams":[{"id":"T1","shifts":[{"start":4,"at":["P1","R9"]}]},{"id":"X","shifts":[{"start":0,"at":["R1"]}]}]}"#;
        let input = read_schedule_input(&inst, json).unwrap();
        assert_eq!(
            input.schedule.shifts[0][0].at,
            vec![Shift::UNRESOLVED, Shift::UNRESOLVED]
        );
        assert_eq!(input.unresolved.len(), 2);
        assert_eq!(
            input.unresolved[1],
            UnresolvedLocation {
                team: 0,
                slot: 5,
                id: "R9".into()
            }
        );
        assert_eq!(input.unknown_teams[0].id, "X");
    }
}
