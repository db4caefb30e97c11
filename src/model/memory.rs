//! Memory estimates: how much a command will need, computed from the sizes of a parsed
//! instance before anything large is allocated, and the limit it must stay within.
//!
//! A valid instance can be small on disk and huge in memory: `risk: 0.3` for 2,400
//! regions over 20,000 slots is a few bytes in the file but three 384 MB arrays once
//! expanded, and every search state holds more arrays of the same shape. The size
//! checks of validation stop hostile files; this module stops valid files whose
//! derived data does not fit the machine, with a message that says how much is needed
//! and what to reduce, instead of an allocation failure (which aborts the process).
//!
//! The figures are byte counts of the arrays the code allocates (see `docs/reliability.md`
//! for the table of costs per unit and the measured peaks they were checked against).
//! They are upper estimates: a refusal means the command would come close to the limit.

use std::fmt;

use super::instance::Instance;
use super::raw::{InstanceFile, PerSlot, TravelSpec};
use super::validate::checker_count as count_of;

/// Share of the memory found available that a command may use when `--max-memory` is
/// not given: the rest is left to the system and to other programs.
pub const DEFAULT_SHARE: f64 = 0.75;

/// Bytes per entry of a reach, hop or cover list (`u32`).
pub const RELATION_ENTRY_BYTES: u64 = 4;

const MIB: f64 = 1024.0 * 1024.0;

/// What the process takes before any instance: code, thread stacks, allocator arenas
/// (measured: 6 MB resident for `validate` of a 1 KB instance; 16 MiB leaves room for
/// the worker threads).
pub const PROCESS_BYTES: u64 = 16 << 20;

/// The sizes that drive memory use, read from a parsed file or a validated instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Regions.
    pub regions: u64,
    /// Posts.
    pub posts: u64,
    /// Teams.
    pub teams: u64,
    /// Slots of the horizon.
    pub slots: u64,
    /// Ids of the travel matrix (0 for haversine).
    pub matrix_ids: u64,
    /// Bytes of the instance file (0 when unknown).
    pub file_bytes: u64,
    /// Per-slot values written out in the file (risk and footfall series).
    pub series_values: u64,
    /// Most team-slots any schedule can work: per team `min(max_work_slots, slots)`.
    pub worked_slots: u64,
    /// Longest region or post id, in bytes (for the schedule file's size).
    pub id_bytes: u64,
    /// Entries of the reach, hop and cover lists, once known (after validation).
    pub relation_entries: Option<u64>,
    /// Classes of mobile teams that cover alike (distinct speeds), once known.
    pub cover_classes: Option<u64>,
}

impl Sizes {
    /// The sizes of a parsed (not yet validated) file of `file_bytes` bytes. Counts that
    /// do not parse are taken at their largest allowed value, so that the estimate is
    /// never too low for a file validation would accept.
    pub fn of_file(file: &InstanceFile, file_bytes: u64) -> Sizes {
        let slots = count_of(&file.horizon.slots)
            .unwrap_or(super::validate::MAX_SLOTS)
            .min(super::validate::MAX_SLOTS);
        let matrix_ids = match &file.travel {
            Some(TravelSpec::Matrix { ids, .. }) => ids.len() as u64,
            _ => 0,
        };
        let series = |p: &PerSlot| match p {
            PerSlot::Scalar(_) => 0,
            PerSlot::Series(v) => v.len() as u64,
        };
        let series_values = file
            .regions
            .iter()
            .map(|r| series(&r.risk) + r.footfall.as_ref().map_or(0, series))
            .sum();
        let worked_slots = file
            .teams
            .iter()
            .map(|t| {
                file.shift_rules
                    .get(&t.rules)
                    .and_then(|r| count_of(&r.max_work_slots))
                    .unwrap_or(slots)
                    .min(slots)
            })
            .sum();
        let id_bytes = file
            .regions
            .iter()
            .map(|r| r.id.len())
            .chain(file.posts.iter().map(|p| p.id.len()))
            .max()
            .unwrap_or(0) as u64;
        Sizes {
            regions: file.regions.len() as u64,
            posts: file.posts.len() as u64,
            teams: file.teams.len() as u64,
            slots,
            matrix_ids,
            file_bytes,
            series_values,
            worked_slots,
            id_bytes,
            relation_entries: None,
            cover_classes: None,
        }
    }

    /// The sizes of a validated instance (relation entries counted exactly).
    pub fn of_instance(inst: &Instance) -> Sizes {
        Sizes {
            relation_entries: Some(inst.reach().entries() as u64),
            cover_classes: Some(inst.reach().cover_sets().len() as u64),
            ..Sizes::of_file(inst.source(), 0)
        }
    }

    fn region_slots(&self) -> u64 {
        self.regions.saturating_mul(self.slots)
    }

    fn team_slots(&self) -> u64 {
        self.teams.saturating_mul(self.slots)
    }

    fn post_slots(&self) -> u64 {
        self.posts.saturating_mul(self.slots)
    }
}

/// What a command will do with the instance, for [`estimate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Validate only.
    Validate,
    /// Read a schedule of `schedule_bytes` bytes and evaluate it (and the baseline).
    Evaluate {
        /// Size of the schedule file.
        schedule_bytes: u64,
    },
    /// Build, evaluate and write the baseline schedule.
    Baseline,
    /// Compute the upper bound.
    Bound,
    /// Optimise: construction and search over `components` independent parts
    /// (`None`: not known yet, counted as one), with the bound first when `with_bound`.
    Solve {
        /// The independent components (see `search::components`), when known.
        components: Option<Components>,
        /// Whether the upper bound is computed first.
        with_bound: bool,
    },
    /// Re-plan: read the previous schedule and events, then optimise as [`Work::Solve`].
    Replan {
        /// Size of the previous schedule file plus the events file.
        input_bytes: u64,
        /// The independent components, when known.
        components: Option<Components>,
    },
    /// Read a schedule, evaluate it and write a report or export of it.
    Report {
        /// Size of the schedule file.
        schedule_bytes: u64,
        /// Whether an upper bound is computed for it too (while the rest is alive).
        with_bound: bool,
    },
}

/// What the search's memory depends on in the instance's independent components.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Components {
    /// How many there are.
    pub count: u64,
    /// Region-slots of the small components (at most
    /// [`SMALL_COMPONENT_TEAM_SLOTS`] team-slots), whose members also keep elite states.
    pub small_region_slots: u64,
}

/// Team-slots up to which a component is small: its search members then keep
/// [`ELITE_STATES`] elite states besides their current and best one (the search's
/// `member::SMALL_TEAM_SLOTS`, repeated here because the model may not depend on the
/// search).
pub const SMALL_COMPONENT_TEAM_SLOTS: u64 = 20_000;

/// Elite states kept per member on a small component (the search's `ELITE_SIZE`).
pub const ELITE_STATES: u64 = 5;

/// One named part of an estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What the bytes are for, in words (for example "search states").
    pub what: String,
    /// Bytes.
    pub bytes: u64,
}

/// How much memory a command needs at its peak, with the parts that make it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// The parts alive together at the peak, largest first.
    pub parts: Vec<Part>,
}

impl Estimate {
    /// The peak, in bytes.
    pub fn peak(&self) -> u64 {
        self.parts
            .iter()
            .fold(0u64, |a, p| a.saturating_add(p.bytes))
    }
}

/// The parts of at least 1 % of the peak, largest first: `what size, what size`.
impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .parts
            .iter()
            .filter(|p| p.bytes as f64 >= 0.01 * self.peak() as f64)
            .map(|p| format!("{} {}", p.what, human(p.bytes)))
            .collect();
        write!(f, "{}", shown.join(", "))
    }
}

/// Bytes in words: `1.2 GiB`, `350 MiB`, `12 KiB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * MIB {
        format!("{:.1} GiB", b / (1024.0 * MIB))
    } else if b >= MIB {
        format!("{:.0} MiB", b / MIB)
    } else {
        format!("{:.0} KiB", (b / 1024.0).ceil())
    }
}

/// A phase of a command: the named parts alive together.
struct Phase(Vec<Part>);

impl Phase {
    fn new() -> Phase {
        Phase(Vec::new())
    }
    fn add(mut self, what: impl Into<String>, bytes: u64) -> Phase {
        if bytes > 0 {
            self.0.push(Part {
                what: what.into(),
                bytes,
            });
        }
        self
    }
    fn total(&self) -> u64 {
        self.0.iter().fold(0u64, |a, p| a.saturating_add(p.bytes))
    }
}

fn mul(a: u64, b: u64) -> u64 {
    a.saturating_mul(b)
}

/// The resident validated instance: per region-slot risk, footfall and weight (8 bytes
/// each), the travel matrix, the relation lists, and a few hundred bytes per entity.
fn instance_parts(s: &Sizes, relation_budget: u64) -> Vec<Part> {
    let entities = s.regions + s.posts + s.teams;
    let mut parts = vec![
        Part {
            what: format!(
                "instance arrays ({} regions x {} slots x 24 bytes)",
                s.regions, s.slots
            ),
            bytes: mul(s.region_slots(), 24).saturating_add(mul(entities, 400)),
        },
        Part {
            what: "travel matrix".into(),
            bytes: mul(mul(s.matrix_ids, s.matrix_ids), 8),
        },
    ];
    let relations = match s.relation_entries {
        Some(n) => mul(n, RELATION_ENTRY_BYTES),
        None => relation_budget,
    };
    // Each list also has a header; there is one per location per hop class at least.
    let headers = mul(s.regions + s.posts, 24);
    parts.push(Part {
        what: "reach, hop and cover lists".into(),
        bytes: relations.saturating_add(headers),
    });
    parts.retain(|p| p.bytes > 0);
    parts
}

/// The evaluator's arrays: presence, patrol and professional counts per region-slot
/// (16 bytes), coverage flags (2 bytes), per post-slot counts (4 bytes), and two
/// position lists per worked team-slot (16 bytes).
fn evaluation_bytes(s: &Sizes) -> u64 {
    mul(s.region_slots(), 18)
        .saturating_add(mul(s.post_slots(), 4))
        .saturating_add(mul(s.worked_slots, 16))
}

/// The per-cell numbers of a report or export (`schedule::detail`): weight, presence and
/// three score parts (8 bytes each), four team counts (4 bytes) and two flags per
/// region-slot, a count and a list per post-slot, and per worked team-slot a position
/// and a slot entry.
fn detail_bytes(s: &Sizes) -> u64 {
    mul(s.region_slots(), 58)
        .saturating_add(mul(s.post_slots(), 28))
        .saturating_add(mul(s.worked_slots, 24))
}

/// A schedule in memory (4 bytes per worked team-slot) and as a file: one `String` per
/// worked team-slot in the file structure, and the pretty JSON text (about 16 bytes of
/// indentation and quotes per slot beside the id).
fn schedule_output_bytes(s: &Sizes) -> u64 {
    let per_slot = 4 + 40 + 2 * s.id_bytes.max(8) + 16;
    mul(s.worked_slots, per_slot)
}

/// A parsed schedule file: its text, and one `String` per slot (about 6 times the text).
fn schedule_input_bytes(bytes: u64) -> u64 {
    mul(bytes, 7)
}

/// One search state: presence (8 bytes), patrol, professional and two cover counts
/// (2 bytes each) per region-slot; post occupancy (2 bytes per post-slot).
fn state_shared_bytes(s: &Sizes) -> u64 {
    mul(s.region_slots(), 16).saturating_add(mul(s.post_slots(), 2))
}

/// The Lagrangian bound: about thirty price, gradient, search and guide arrays of 8
/// bytes per region-slot (measured: 230 bytes per region-slot on a grid series), eight
/// per post-slot, and per cover class a table per post-slot.
fn bound_bytes(s: &Sizes) -> u64 {
    let cover_classes = s.cover_classes.unwrap_or(s.teams.min(16)).max(1);
    mul(s.region_slots(), 30 * 8)
        .saturating_add(mul(s.post_slots(), 8 * 8))
        .saturating_add(mul(cover_classes, mul(s.post_slots(), 8)))
}

/// The baseline's working arrays (requirement counts, post occupancy) and its schedule.
fn baseline_bytes(s: &Sizes) -> u64 {
    mul(s.region_slots(), 4)
        .saturating_add(mul(s.post_slots(), 4))
        .saturating_add(mul(s.worked_slots, 4))
}

fn search_phase(s: &Sizes, components: Option<Components>) -> Phase {
    // Unknown: one component, small when the whole instance is.
    let comps = components.unwrap_or(Components {
        count: 1,
        small_region_slots: if s.team_slots() <= SMALL_COMPONENT_TEAM_SLOTS {
            s.region_slots()
        } else {
            0
        },
    });
    // One member per component when there are several, two for a single one; each
    // member holds its current and its best state, and the constructed state lives
    // until the members are made from it. A component's states hold only its own
    // regions and posts, and components share none, so all components' states
    // together take what `2m + 1` states over the whole instance would.
    let members = if comps.count > 1 { 1 } else { 2 };
    let states = 2 * members + 1;
    let elite = mul(
        ELITE_STATES * members,
        mul(comps.small_region_slots.min(s.region_slots()), 16),
    );
    Phase::new()
        .add(
            "search context (18 bytes per region-slot)",
            mul(s.region_slots(), 18).saturating_add(mul(s.team_slots(), 2)),
        )
        .add(
            format!(
                "{states} search states per component over {} component(s) (16 bytes per region-slot each)",
                comps.count.max(1)
            ),
            mul(states, state_shared_bytes(s)),
        )
        .add(
            "elite states of small components (16 bytes per region-slot each)",
            elite,
        )
        .add(
            format!(
                "team plans of the search states ({} x 4 bytes per team-slot)",
                2 * members + 1
            ),
            mul(2 * members + 1, mul(s.team_slots(), 4)),
        )
        .add("baseline schedule", mul(s.worked_slots, 4))
        // The final evaluation runs while the members are still alive.
        .add("evaluation", evaluation_bytes(s))
}

/// The estimate of `work` on an instance of these sizes. Before validation
/// (`sizes.relation_entries` is `None`) the relation lists are counted at
/// `relation_budget` bytes, the most validation will be allowed to build.
pub fn estimate(sizes: &Sizes, work: &Work, relation_budget: u64) -> Estimate {
    let s = sizes;
    let mut resident = instance_parts(s, relation_budget);
    // The parsed file (series and matrix values, 8 and 16 bytes each) is kept by the
    // instance as its source.
    resident.push(Part {
        what: "parsed file".into(),
        bytes: mul(s.series_values, 8).saturating_add(mul(s.regions + s.posts + s.teams, 300)),
    });
    resident.push(Part {
        what: "parsed travel matrix".into(),
        bytes: mul(mul(s.matrix_ids, s.matrix_ids), 16),
    });
    resident.retain(|p| p.bytes > 0);
    // Loading: the file's text lives while it is parsed.
    let load = Phase::new().add("instance file text", s.file_bytes);
    let work_phases: Vec<Phase> = match *work {
        Work::Validate => vec![],
        Work::Evaluate { schedule_bytes } => vec![Phase::new()
            .add("schedule file", schedule_input_bytes(schedule_bytes))
            .add("evaluation", evaluation_bytes(s))
            .add("baseline", baseline_bytes(s))],
        Work::Report {
            schedule_bytes,
            with_bound,
        } => {
            let mut read = Phase::new()
                .add("schedule file", schedule_input_bytes(schedule_bytes))
                .add("evaluation", evaluation_bytes(s))
                .add("detailed evaluation (per-cell numbers)", detail_bytes(s))
                .add("baseline", baseline_bytes(s))
                // Export renders up to three files before writing any.
                .add("report output", mul(schedule_output_bytes(s), 2));
            if with_bound {
                read = read.add("bound (Lagrangian prices and gradients)", bound_bytes(s));
            }
            vec![read]
        }
        Work::Baseline => vec![Phase::new()
            .add("baseline", baseline_bytes(s))
            .add("evaluation", evaluation_bytes(s))
            .add("schedule file output", schedule_output_bytes(s))],
        Work::Bound => vec![Phase::new()
            .add("bound (Lagrangian prices and gradients)", bound_bytes(s))
            .add("baseline price hint", baseline_bytes(s))],
        Work::Solve {
            components,
            with_bound,
        } => {
            let mut phases = vec![
                search_phase(s, components),
                Phase::new()
                    .add("evaluation", evaluation_bytes(s))
                    .add("schedule file output", schedule_output_bytes(s)),
            ];
            if with_bound {
                phases.push(
                    Phase::new()
                        .add("bound (Lagrangian prices and gradients)", bound_bytes(s))
                        .add("baseline", baseline_bytes(s)),
                );
            }
            phases
        }
        Work::Replan {
            input_bytes,
            components,
        } => vec![
            search_phase(s, components).add(
                "previous schedule and events",
                schedule_input_bytes(input_bytes),
            ),
            Phase::new()
                .add("evaluation", evaluation_bytes(s))
                .add("schedule file output", schedule_output_bytes(s)),
        ],
    };
    let peak = std::iter::once(load)
        .chain(work_phases)
        .max_by_key(Phase::total)
        .unwrap_or_else(Phase::new);
    let mut parts = resident;
    parts.push(Part {
        what: "program, stacks and allocator".into(),
        bytes: PROCESS_BYTES,
    });
    parts.extend(peak.0);
    parts.sort_by_key(|p| std::cmp::Reverse(p.bytes));
    Estimate { parts }
}

/// A command needs more memory than it may use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "this instance needs about {} of memory, more than the limit of {limit} (largest parts: {estimate}); {advice}",
    human(*.needed)
)]
pub struct MemoryError {
    /// The main parts of the estimate, in words.
    pub estimate: String,
    /// The limit, in words.
    pub limit: String,
    /// What to reduce.
    pub advice: String,
    /// The estimate, in bytes.
    pub needed: u64,
    /// The limit, in bytes.
    pub limit_bytes: u64,
}

/// Checks an estimate against `limit` bytes.
pub fn check(est: &Estimate, sizes: &Sizes, limit: u64) -> Result<(), MemoryError> {
    if est.peak() <= limit {
        return Ok(());
    }
    Err(MemoryError {
        estimate: est.to_string(),
        limit: human(limit),
        advice: advice(est, sizes),
        needed: est.peak(),
        limit_bytes: limit,
    })
}

/// Estimates `work` on a validated instance (exact sizes) and checks it against `limit`.
pub fn check_instance(inst: &Instance, work: &Work, limit: u64) -> Result<Estimate, MemoryError> {
    let sizes = Sizes::of_instance(inst);
    let est = estimate(&sizes, work, 0);
    check(&est, &sizes, limit)?;
    Ok(est)
}

/// What to reduce, from the largest part of the estimate.
fn advice(est: &Estimate, s: &Sizes) -> String {
    let largest = est.parts.first().map_or("", |p| p.what.as_str());
    let what = if largest.contains("file text") {
        "split the instance into smaller files".to_string()
    } else if largest.contains("matrix") {
        format!(
            "use fewer travel matrix ids ({}) or the haversine model",
            s.matrix_ids
        )
    } else if largest.contains("lists") {
        "set or lower reach_minutes, max_hop_minutes or the response and backup minutes".to_string()
    } else if largest.contains("schedule file") && !largest.contains("output") {
        "give a smaller schedule file".to_string()
    } else if largest.contains("team-slot") || largest.contains("output") {
        format!(
            "use fewer teams ({}) or a shorter horizon ({} slots)",
            s.teams, s.slots
        )
    } else {
        format!(
            "use fewer regions ({}) or a shorter horizon ({} slots), or split the instance",
            s.regions, s.slots
        )
    };
    format!("{what}, or raise --max-memory if the machine has the memory")
}

/// Memory this process may use: the smallest of `MemAvailable` (`/proc/meminfo`),
/// the room left under the cgroup's `memory.max`, and the address-space limit
/// (`ulimit -v`), in bytes; `None` when none of them can be read (not Linux).
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| meminfo_available(&t));
    let cgroup = cgroup_room();
    let rlimit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| address_space_limit(&t));
    [meminfo, cgroup, rlimit].into_iter().flatten().min()
}

/// The default limit: [`DEFAULT_SHARE`] of [`available_memory`]; `None` (no limit)
/// when the available memory cannot be read.
pub fn default_limit() -> Option<u64> {
    available_memory().map(|b| (b as f64 * DEFAULT_SHARE) as u64)
}

/// `MemAvailable` in bytes from the text of `/proc/meminfo`.
pub fn meminfo_available(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

/// The soft "Max address space" limit in bytes from the text of `/proc/self/limits`
/// (`None` when unlimited).
pub fn address_space_limit(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    let soft = line
        .trim_start_matches("Max address space")
        .split_whitespace()
        .next()?;
    soft.parse().ok()
}

fn cgroup_room() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    // cgroup v2, then v1.
    let (max, current) = match read("/sys/fs/cgroup/memory.max") {
        Some(max) => (max, read("/sys/fs/cgroup/memory.current")),
        None => (
            read("/sys/fs/cgroup/memory/memory.limit_in_bytes")?,
            read("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
        ),
    };
    let max: u64 = max.trim().parse().ok()?; // "max" (no limit) does not parse
    if max >= 1 << 60 {
        return None; // cgroup v1 writes a huge number for "no limit"
    }
    let current: u64 = current.and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    Some(max.saturating_sub(current))
}

/// Parses a size such as `4G`, `512M`, `1.5GiB`, `300000000` (bytes); units are powers
/// of 1024.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 4G, 512M or 1000000"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => 1024.0 * MIB,
        "t" | "tb" | "tib" => 1024.0 * 1024.0 * MIB,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (use K, M, G or T)"
            ))
        }
    };
    let bytes = value * scale;
    if !(bytes.is_finite() && bytes >= 1.0) {
        return Err(format!("{text:?} is not a positive size"));
    }
    Ok(bytes.min(u64::MAX as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(regions: u64, slots: u64, teams: u64) -> Sizes {
        Sizes {
            regions,
            slots,
            teams,
            worked_slots: teams * slots / 3,
            id_bytes: 5,
            relation_entries: Some(0),
            ..Sizes::default()
        }
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("4G").unwrap(), 4 << 30);
        assert_eq!(parse_size("512M").unwrap(), 512 << 20);
        assert_eq!(parse_size("1.5GiB").unwrap(), 3 << 29);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert!(parse_size("4X").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("-1G").is_err());
    }

    #[test]
    fn proc_texts_parse() {
        let meminfo = "MemTotal:       24731648 kB\nMemAvailable:   24217600 kB\n";
        assert_eq!(meminfo_available(meminfo), Some(24_217_600 * 1024));
        let limits = "Limit                     Soft Limit           Hard Limit           Units\nMax address space         8192000000           unlimited            bytes\n";
        assert_eq!(address_space_limit(limits), Some(8_192_000_000));
        let unlimited =
            "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(address_space_limit(unlimited), None);
    }

    #[test]
    fn the_issue_instance_needs_gigabytes_and_is_refused_under_4g() {
        let s = sizes(2400, 20_000, 3000);
        let est = estimate(
            &s,
            &Work::Solve {
                components: Some(Components {
                    count: 1,
                    small_region_slots: 0,
                }),
                with_bound: false,
            },
            0,
        );
        assert!(est.peak() > 4 << 30, "{est}");
        let err = check(&est, &s, 4 << 30).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("GiB") && text.contains("--max-memory"),
            "{text}"
        );
        assert!(text.contains("fewer regions"), "{text}");
    }

    #[test]
    fn estimate_grows_linearly_with_region_slots() {
        let work = Work::Solve {
            components: Some(Components {
                count: 1,
                small_region_slots: 0,
            }),
            with_bound: true,
        };
        let a = estimate(&sizes(1000, 1000, 1000), &work, 0).peak();
        let b = estimate(&sizes(2000, 1000, 2000), &work, 0).peak();
        let ratio = b as f64 / a as f64;
        assert!((1.9..=2.0).contains(&ratio), "ratio {ratio}");
    }

    #[test]
    fn components_do_not_multiply_the_states() {
        let s = sizes(1000, 1000, 100);
        let solve = |count, small_region_slots| {
            estimate(
                &s,
                &Work::Solve {
                    components: Some(Components {
                        count,
                        small_region_slots,
                    }),
                    with_bound: false,
                },
                0,
            )
            .peak()
        };
        // Each component's states hold only its own regions: 100 components need no
        // more than one (which has two members instead of one).
        assert!(solve(100, 0) <= solve(1, 0));
        // Small components' elite states are counted, at most five per region-slot.
        let all_small = solve(100, 1_000_000);
        assert!(all_small > solve(100, 0));
        assert!(all_small <= solve(100, 0) + 5 * 16 * 1_000_000);
    }
}
