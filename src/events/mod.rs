//! Re-planning events, `patrolplan.events.v1` (MODEL.md section 9): parsing and
//! validation against the instance and the previous schedule (every problem at once,
//! each with its JSON path such as `events[3].team`), and applying them to make the
//! updated instance through [`Instance::replace`], which validates it again.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::raw::{MinPatrolSpec, PerSlot};
use crate::model::{Instance, InstanceError, Slot, TeamIdx, TeamKind};
use crate::schedule::{Cell, ReplanRules, Schedule, TeamRange};

/// The exact value of the `format` field of an events file.
pub const EVENTS_FORMAT: &str = "patrolplan.events.v1";

/// Most events in one file (a hostile file gets an error, not an out-of-memory).
pub const MAX_EVENTS: usize = 1_000_000;

/// One validated event, with ids resolved to indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A mobile team on duty at an incident in `from..to` (`null` in the re-plan).
    Dispatched(TeamRange),
    /// The team cannot work in `from..to` (sick, vehicle down).
    Unavailable(TeamRange),
    /// The team may work in `from..to` (a reserve called in).
    Available(TeamRange),
    /// At least `teams` patrol teams in the region in `from..to`.
    Requirement {
        /// Region index.
        region: usize,
        /// First slot.
        from: Slot,
        /// End slot (exclusive).
        to: Slot,
        /// Required teams (>= 1).
        teams: u32,
    },
    /// The region's risk in `from..to` is multiplied by `factor`.
    Risk {
        /// Region index.
        region: usize,
        /// First slot.
        from: Slot,
        /// End slot (exclusive).
        to: Slot,
        /// Multiplier (>= 0).
        factor: f64,
    },
    /// The team's plan in `from..to` is kept as it was.
    Pin(TeamRange),
}

/// A validated events file.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    /// Slots before `now` are history.
    pub now: Slot,
    /// The events, in file order.
    pub events: Vec<Event>,
    /// Change budget in team-slots from `now` on.
    pub max_changes: Option<usize>,
}

/// One problem of an events file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventProblem {
    /// JSON path, for example `events[3].team`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EventProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why events could not be used (bad input: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// Every problem found in the file.
    #[error("{} problem(s) in the events:\n{}", .0.len(), render(.0))]
    Invalid(Vec<EventProblem>),
    /// The events make an instance that does not validate (for example a requirement
    /// that no team could ever meet).
    #[error("the events make an invalid instance: {0}")]
    Instance(#[from] InstanceError),
}

fn render(ps: &[EventProblem]) -> String {
    ps.iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl EventsError {
    /// The problems' paths (empty for an invalid updated instance).
    pub fn paths(&self) -> Vec<&str> {
        match self {
            EventsError::Invalid(ps) => ps.iter().map(|p| p.path.as_str()).collect(),
            EventsError::Instance(_) => Vec::new(),
        }
    }
}

struct Reader<'a> {
    problems: Vec<EventProblem>,
    instance: &'a Instance,
}

impl Reader<'_> {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(EventProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    /// A JSON integer in `lo..=hi`.
    fn integer(&mut self, v: Option<&Value>, path: &str, lo: u64, hi: u64) -> Option<u64> {
        match v {
            None => {
                self.push(path, "is required");
                None
            }
            Some(Value::Number(n)) => match n.as_u64() {
                Some(x) if (lo..=hi).contains(&x) => Some(x),
                _ => {
                    self.push(path, format!("is {n}; expected an integer in {lo}..={hi}"));
                    None
                }
            },
            Some(other) => {
                self.push(path, format!("is {other}; expected an integer"));
                None
            }
        }
    }

    fn string<'v>(&mut self, v: Option<&'v Value>, path: &str) -> Option<&'v str> {
        match v {
            Some(Value::String(s)) => Some(s),
            None => {
                self.push(path, "is required");
                None
            }
            Some(other) => {
                self.push(path, format!("is {other}; expected a string"));
                None
            }
        }
    }
}

const FIELDS: [(&str, &[&str]); 6] = [
    ("dispatched", &["type", "team", "from", "to"]),
    ("unavailable", &["type", "team", "from", "to"]),
    ("available", &["type", "team", "from", "to"]),
    ("requirement", &["type", "region", "from", "to", "teams"]),
    ("risk", &["type", "region", "from", "to", "factor"]),
    ("pin", &["type", "team", "from", "to"]),
];

/// Parses and validates events JSON against the instance and the previous schedule.
/// Every problem is reported at once, each with its path.
pub fn parse_events(
    json: &str,
    instance: &Instance,
    previous: &Schedule,
) -> Result<Events, EventsError> {
    let value: Value = serde_json::from_str(json).map_err(|e| {
        EventsError::Invalid(vec![EventProblem {
            path: "(file)".into(),
            message: format!("not JSON: {e}"),
        }])
    })?;
    let mut rd = Reader {
        problems: Vec::new(),
        instance,
    };
    let Value::Object(top) = value else {
        rd.push("(file)", "expected a JSON object");
        return Err(EventsError::Invalid(rd.problems));
    };
    for key in top.keys() {
        if !["format", "instance", "now", "events", "max_changes"].contains(&key.as_str()) {
            rd.push(key.clone(), "unknown field");
        }
    }
    match rd.string(top.get("format"), "format") {
        Some(EVENTS_FORMAT) | None => {}
        Some(f) => rd.push("format", format!("is {f:?}, expected {EVENTS_FORMAT:?}")),
    }
    if let Some(name) = rd.string(top.get("instance"), "instance") {
        if name != instance.name() {
            rd.push(
                "instance",
                format!(
                    "the events are for instance {name:?}, not {:?}",
                    instance.name()
                ),
            );
        }
    }
    let slots = instance.slots();
    let now = rd
        .integer(top.get("now"), "now", 0, slots as u64)
        .map(|n| n as usize);
    let max_changes = match top.get("max_changes") {
        None => None,
        v => rd
            .integer(v, "max_changes", 0, u64::MAX)
            .map(|n| n.min(usize::MAX as u64) as usize),
    };
    let list = match top.get("events") {
        Some(Value::Array(a)) if a.len() <= MAX_EVENTS => a.as_slice(),
        Some(Value::Array(a)) => {
            rd.push(
                "events",
                format!("{} events, at most {MAX_EVENTS}", a.len()),
            );
            &[]
        }
        Some(other) => {
            rd.push("events", format!("is {other}; expected an array"));
            &[]
        }
        None => {
            rd.push("events", "is required");
            &[]
        }
    };
    let teams: BTreeMap<&str, TeamIdx> = instance
        .teams()
        .iter()
        .enumerate()
        .map(|(k, t)| (t.id.as_str(), k))
        .collect();
    let regions: BTreeMap<&str, usize> = instance
        .regions()
        .iter()
        .enumerate()
        .map(|(r, x)| (x.id.as_str(), r))
        .collect();
    let mut events = Vec::with_capacity(list.len());
    let mut at_path = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let path = format!("events[{i}]");
        let Value::Object(obj) = v else {
            rd.push(path, "expected an object");
            continue;
        };
        if let Some(e) = read_event(&mut rd, obj, &path, now, &teams, &regions) {
            events.push(e);
            at_path.push(i);
        }
    }
    // Contradictions among the events that read cleanly, so that every problem is
    // listed at once.
    check_contradictions(&mut rd, &events, &at_path, previous);
    if rd.problems.is_empty() {
        Ok(Events {
            now: now.expect("checked"),
            events,
            max_changes,
        })
    } else {
        Err(EventsError::Invalid(rd.problems))
    }
}

fn read_event(
    rd: &mut Reader,
    obj: &Map<String, Value>,
    path: &str,
    now: Option<Slot>,
    teams: &BTreeMap<&str, TeamIdx>,
    regions: &BTreeMap<&str, usize>,
) -> Option<Event> {
    let kind = rd.string(obj.get("type"), &format!("{path}.type"))?;
    let Some(&(_, fields)) = FIELDS.iter().find(|(t, _)| *t == kind) else {
        rd.push(
            format!("{path}.type"),
            format!(
                "unknown event type {kind:?}; expected one of dispatched, unavailable, available, requirement, risk, pin"
            ),
        );
        return None;
    };
    for key in obj.keys() {
        if !fields.contains(&key.as_str()) {
            rd.push(
                format!("{path}.{key}"),
                format!("unknown field for a {kind:?} event"),
            );
        }
    }
    let slots = rd.instance.slots() as u64;
    let before = rd.problems.len();
    let from = rd.integer(obj.get("from"), &format!("{path}.from"), 0, slots);
    let to = rd.integer(obj.get("to"), &format!("{path}.to"), 0, slots);
    let range = match (from, to, now) {
        (Some(f), Some(t), Some(n)) => {
            let (f, t) = (f as usize, t as usize);
            if f < n {
                rd.push(
                    format!("{path}.from"),
                    format!("slot {f} is before now ({n}): history cannot change"),
                );
                None
            } else if f >= t {
                rd.push(
                    format!("{path}.to"),
                    format!("the range {f}..{t} is empty; expected from < to"),
                );
                None
            } else {
                Some((f, t))
            }
        }
        _ => None,
    };
    let team = |rd: &mut Reader| -> Option<TeamIdx> {
        let id = rd.string(obj.get("team"), &format!("{path}.team"))?;
        match teams.get(id) {
            Some(&k) => Some(k),
            None => {
                rd.push(
                    format!("{path}.team"),
                    format!("team {id:?} is not in the instance"),
                );
                None
            }
        }
    };
    let region = |rd: &mut Reader| -> Option<usize> {
        let id = rd.string(obj.get("region"), &format!("{path}.region"))?;
        match regions.get(id) {
            Some(&r) => Some(r),
            None => {
                rd.push(
                    format!("{path}.region"),
                    format!("region {id:?} is not in the instance"),
                );
                None
            }
        }
    };
    let event = match kind {
        "dispatched" | "unavailable" | "available" | "pin" => {
            let k = team(rd);
            if kind == "dispatched" {
                if let Some(k) = k {
                    if rd.instance.teams()[k].kind != TeamKind::Mobile {
                        rd.push(
                            format!("{path}.team"),
                            format!(
                                "team {:?} is a patrol team; only mobile teams are dispatched",
                                rd.instance.teams()[k].id
                            ),
                        );
                    }
                }
            }
            let (k, (from, to)) = (k?, range?);
            let r = TeamRange { team: k, from, to };
            match kind {
                "dispatched" => Event::Dispatched(r),
                "unavailable" => Event::Unavailable(r),
                "available" => Event::Available(r),
                _ => Event::Pin(r),
            }
        }
        "requirement" => {
            let r = region(rd);
            let n = rd.integer(
                obj.get("teams"),
                &format!("{path}.teams"),
                1,
                u32::MAX as u64,
            );
            let (region, (from, to), teams) = (r?, range?, n? as u32);
            Event::Requirement {
                region,
                from,
                to,
                teams,
            }
        }
        _ => {
            let r = region(rd);
            let factor = match obj.get("factor") {
                Some(Value::Number(x)) => match x.as_f64() {
                    Some(f) if f.is_finite() && f >= 0.0 => Some(f),
                    _ => {
                        rd.push(
                            format!("{path}.factor"),
                            format!("is {x}; expected a number >= 0"),
                        );
                        None
                    }
                },
                None => {
                    rd.push(format!("{path}.factor"), "is required");
                    None
                }
                Some(other) => {
                    rd.push(
                        format!("{path}.factor"),
                        format!("is {other}; expected a number >= 0"),
                    );
                    None
                }
            };
            let (region, (from, to), factor) = (r?, range?, factor?);
            Event::Risk {
                region,
                from,
                to,
                factor,
            }
        }
    };
    (rd.problems.len() == before).then_some(event)
}

/// Pins and dispatches that contradict other events, and dispatches outside a shift of
/// the previous schedule.
fn check_contradictions(rd: &mut Reader, events: &[Event], at_path: &[usize], previous: &Schedule) {
    let unavailable: Vec<(usize, TeamRange)> = events
        .iter()
        .zip(at_path)
        .filter_map(|(e, &i)| match e {
            Event::Unavailable(r) => Some((i, *r)),
            _ => None,
        })
        .collect();
    let dispatched: Vec<(usize, TeamRange)> = events
        .iter()
        .zip(at_path)
        .filter_map(|(e, &i)| match e {
            Event::Dispatched(r) => Some((i, *r)),
            _ => None,
        })
        .collect();
    let id = |k: TeamIdx| rd.instance.teams()[k].id.clone();
    let mut found = Vec::new();
    for (e, &i) in events.iter().zip(at_path) {
        match e {
            Event::Pin(p) => {
                // A null there is an earlier dispatch: the pin would keep it, but only
                // this file's dispatched ranges may be null (and a pin may not overlap
                // them).
                if let Some(s) = (p.from..p.to).find(|&s| previous.cell(p.team, s) == Cell::Null) {
                    found.push((
                        format!("events[{i}]"),
                        format!(
                            "the pin of team {:?} ({}..{}) covers slot {s}, where the team is dispatched (null) in the previous schedule",
                            id(p.team),
                            p.from,
                            p.to
                        ),
                    ));
                }
                for (j, other) in dispatched.iter().chain(&unavailable) {
                    if p.overlaps(other) {
                        found.push((
                            format!("events[{i}]"),
                            format!(
                                "the pin of team {:?} ({}..{}) overlaps the {} range {}..{} at events[{j}]",
                                id(p.team),
                                p.from,
                                p.to,
                                if dispatched.iter().any(|(d, _)| d == j) { "dispatched" } else { "unavailable" },
                                other.from,
                                other.to
                            ),
                        ));
                    }
                }
            }
            Event::Dispatched(d) => {
                for (j, u) in &unavailable {
                    if d.overlaps(u) {
                        found.push((
                            format!("events[{i}]"),
                            format!(
                                "team {:?} is dispatched in {}..{} but unavailable in {}..{} at events[{j}]",
                                id(d.team),
                                d.from,
                                d.to,
                                u.from,
                                u.to
                            ),
                        ));
                    }
                }
                let in_one_shift = previous.shifts.get(d.team).is_some_and(|shifts| {
                    shifts
                        .iter()
                        .any(|sh| sh.start <= d.from && d.to <= sh.end())
                });
                if !in_one_shift {
                    found.push((
                        format!("events[{i}]"),
                        format!(
                            "team {:?} is dispatched in {}..{}, which does not lie inside one of its shifts in the previous schedule (an incident is handled on duty)",
                            id(d.team),
                            d.from,
                            d.to
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    for (path, message) in found {
        rd.push(path, message);
    }
}

impl Events {
    /// The updated instance: the events applied in order to a copy of the instance's
    /// file, which is validated again.
    pub fn apply(&self, instance: &Instance) -> Result<Instance, EventsError> {
        let slots = instance.slots();
        let teams: Vec<String> = instance.teams().iter().map(|t| t.id.clone()).collect();
        let regions: Vec<String> = instance.regions().iter().map(|r| r.id.clone()).collect();
        let updated = instance.replace(|file| {
            let team_at: BTreeMap<&str, usize> = file
                .teams
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.as_str(), i))
                .collect();
            let region_at: BTreeMap<&str, usize> = file
                .regions
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i))
                .collect();
            let team_at: Vec<usize> = teams.iter().map(|id| team_at[id.as_str()]).collect();
            let region_at: Vec<usize> = regions.iter().map(|id| region_at[id.as_str()]).collect();
            let mut avail: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
            for e in &self.events {
                match *e {
                    Event::Unavailable(r) | Event::Available(r) => {
                        let k = r.team;
                        let mask = avail.entry(k).or_insert_with(|| {
                            let t = &instance.teams()[k];
                            (0..slots).map(|s| t.is_available(s)).collect()
                        });
                        let on = matches!(e, Event::Available(_));
                        mask[r.from..r.to].fill(on);
                    }
                    Event::Requirement {
                        region,
                        from,
                        to,
                        teams,
                    } => file.regions[region_at[region]]
                        .min_patrol
                        .push(MinPatrolSpec {
                            from: from.into(),
                            to: to.into(),
                            teams: teams.into(),
                        }),
                    Event::Risk {
                        region,
                        from,
                        to,
                        factor,
                    } => {
                        let risk = &mut file.regions[region_at[region]].risk;
                        let mut series = match risk {
                            PerSlot::Scalar(x) => vec![*x; slots],
                            PerSlot::Series(v) => std::mem::take(v),
                        };
                        for x in &mut series[from..to] {
                            *x *= factor;
                        }
                        *risk = PerSlot::Series(series);
                    }
                    Event::Dispatched(_) | Event::Pin(_) => {}
                }
            }
            for (k, mask) in avail {
                let mut ranges = Vec::new();
                let mut s = 0;
                while s < slots {
                    if mask[s] {
                        let a = s;
                        while s < slots && mask[s] {
                            s += 1;
                        }
                        ranges.push([a.into(), s.into()]);
                    } else {
                        s += 1;
                    }
                }
                file.teams[team_at[k]].available = Some(ranges);
            }
        })?;
        Ok(updated)
    }

    /// The rules a re-plan of `previous` after these events is judged by.
    pub fn rules(&self, previous: impl Into<Arc<Schedule>>) -> ReplanRules {
        let pick = |f: fn(&Event) -> Option<TeamRange>| self.events.iter().filter_map(f).collect();
        ReplanRules {
            now: self.now,
            previous: previous.into(),
            dispatched: pick(|e| match e {
                Event::Dispatched(r) => Some(*r),
                _ => None,
            }),
            unavailable: pick(|e| match e {
                Event::Unavailable(r) => Some(*r),
                _ => None,
            }),
            pins: pick(|e| match e {
                Event::Pin(r) => Some(*r),
                _ => None,
            }),
            max_changes: self.max_changes,
        }
    }
}

/// Whether the previous schedule has team `k` working (located or `null`) at `s`.
pub fn works(previous: &Schedule, k: TeamIdx, s: Slot) -> bool {
    previous.cell(k, s) != Cell::Off
}
