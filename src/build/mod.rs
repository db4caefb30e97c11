//! From a planner's own data to an instance (contract section 11): regions from GeoJSON,
//! teams and posts from CSV, shift rules and objective from JSON, and risk estimated
//! from incident records. Every problem in the inputs is reported at once, named by file,
//! line or feature, and column or property; the built instance is checked by the
//! instance validation, whose problems are mapped back to the input that caused them.
//! `docs/build.md` describes the formats and the estimator.

pub mod check;
pub mod clock;
pub mod incidents;
pub mod problem;
pub mod regions;
pub mod risk;
pub mod roster;
pub mod sample;

mod settings;
mod table;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use clock::Grid;
use incidents::{read_incidents, Locator, Placed, Tally};
pub use problem::{BuildError, InputProblem, Place, Report};
use regions::{read_regions, RegionInput};
use risk::{FitReport, Landscape, Rates};
use roster::{read_posts, read_teams, PostInput, TeamInput};

use crate::model::raw::*;
use crate::model::validate::{MAX_REGION_SLOTS, MAX_SLOTS};
use crate::model::{Instance, Problem, MAX_FILE_BYTES};

/// Detour factor of the haversine travel model that `build` writes.
pub const DETOUR_FACTOR: f64 = 1.3;
/// Significant digits kept in estimated risk values.
pub const RISK_DIGITS: usize = 4;

/// The inputs of `build`.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// Regions GeoJSON.
    pub regions: PathBuf,
    /// Teams CSV.
    pub teams: PathBuf,
    /// Posts CSV.
    pub posts: Option<PathBuf>,
    /// Incidents CSV.
    pub incidents: Option<PathBuf>,
    /// First instant of the horizon, RFC 3339.
    pub start: String,
    /// Minutes per slot.
    pub slot_minutes: u32,
    /// Number of slots.
    pub slots: usize,
    /// RULES.json.
    pub rules: Option<PathBuf>,
    /// OBJ.json.
    pub objective: Option<PathBuf>,
    /// Instance name.
    pub name: String,
}

/// Incidents as read and fitted.
#[derive(Debug, Clone)]
pub struct IncidentFit {
    /// What happened to each record.
    pub tally: Tally,
    /// The chosen strengths.
    pub report: FitReport,
    /// The rates per region and hour of week.
    pub rates: Rates,
    /// Local hours `[from, to)` the records span.
    pub span: (i64, i64),
}

/// A built instance with what was learnt on the way.
#[derive(Debug, Clone)]
pub struct Built {
    /// The instance file, already validated.
    pub file: InstanceFile,
    /// The incident fit, when incidents were given.
    pub incidents: Option<IncidentFit>,
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn open(path: &Path) -> Result<BufReader<File>, BuildError> {
    let io = |source| BuildError::Io {
        path: display(path),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(BuildError::Invalid(vec![InputProblem {
            file: display(path),
            place: Place::File,
            field: String::new(),
            message: format!("{len} bytes is more than the limit of {MAX_FILE_BYTES}"),
        }]));
    }
    Ok(BufReader::with_capacity(1 << 16, f))
}

fn read_text(path: &Path) -> Result<String, BuildError> {
    use std::io::Read;
    let mut text = String::new();
    open(path)?
        .read_to_string(&mut text)
        .map_err(|source| BuildError::Io {
            path: display(path),
            source,
        })?;
    Ok(text)
}

/// The horizon's slot grid from the request, or the problems with its options.
pub fn grid_of(start: &str, slot_minutes: u32, slots: usize, report: &mut Report) -> Option<Grid> {
    let mut ok = true;
    if !(1..=1440).contains(&slot_minutes) {
        report.push(
            "--slot-minutes",
            Place::File,
            "",
            format!("{slot_minutes} is outside 1..=1440"),
        );
        ok = false;
    }
    if slots < 1 || slots as u64 > MAX_SLOTS {
        report.push(
            "--slots",
            Place::File,
            "",
            format!("{slots} is outside 1..={MAX_SLOTS}"),
        );
        ok = false;
    }
    let grid = Grid::new(start, slot_minutes, slots);
    if grid.is_none() {
        report.push(
            "--start",
            Place::File,
            "",
            format!("{start:?} is not an RFC 3339 time such as 2026-12-07T00:00:00+08:00"),
        );
    }
    grid.filter(|_| ok)
}

/// Reads every input, estimates risk, assembles the instance and validates it.
pub fn build(req: &BuildRequest) -> Result<Built, BuildError> {
    let mut report = Report::default();
    let grid = grid_of(&req.start, req.slot_minutes, req.slots, &mut report);
    let slots = req.slots.clamp(1, MAX_SLOTS as usize);
    let regions_name = display(&req.regions);
    let regions = read_regions(
        &read_text(&req.regions)?,
        &regions_name,
        Some(slots),
        &mut report,
    );
    let rules = match &req.rules {
        Some(p) => settings::read_rules(&read_text(p)?, &display(p), &mut report),
        None => Default::default(),
    };
    let objective = match &req.objective {
        Some(p) => settings::read_objective(&read_text(p)?, &display(p), &mut report),
        None => ObjectiveSpec::default(),
    };
    let teams_name = display(&req.teams);
    let teams = read_teams(open(&req.teams)?, &teams_name, grid.as_ref(), &mut report);
    let posts_name = req.posts.as_deref().map(display).unwrap_or_default();
    let posts = match &req.posts {
        Some(p) => read_posts(open(p)?, &posts_name, &mut report),
        None => Vec::new(),
    };
    cross_check(
        &regions,
        &posts,
        &posts_name,
        &teams,
        &teams_name,
        &rules,
        req.rules.as_deref(),
        &mut report,
    );
    if regions.len().saturating_mul(slots) > MAX_REGION_SLOTS {
        report.push(
            &regions_name,
            Place::File,
            "",
            format!(
                "{} regions x {slots} slots is more than {MAX_REGION_SLOTS} region-slots",
                regions.len()
            ),
        );
    }
    let mut fit = None;
    if let (Some(path), Some(grid)) = (&req.incidents, grid) {
        if report.problems.is_empty() {
            let name = display(path);
            let shapes: Vec<_> = regions.iter().map(|r| r.shape.as_ref()).collect();
            let locator = Locator::new(shapes.clone());
            let (placed, tally) = read_incidents(open(path)?, &name, &grid, &locator, &mut report);
            let groups: Vec<_> = regions.iter().map(|r| r.spec.group.as_deref()).collect();
            let land = Landscape::new(&shapes, &groups);
            let span = span_of(&placed);
            let (rates, fit_report) = risk::fit(&land, &placed, span.0, span.1);
            fit = Some(IncidentFit {
                tally,
                report: fit_report,
                rates,
                span,
            });
        }
    } else if req.incidents.is_none() {
        for r in regions.iter().filter(|r| !r.has_risk) {
            report.push(
                &regions_name,
                Place::Feature(r.feature),
                "properties.risk",
                "missing: give risk (a number or an array of --slots numbers) or --incidents",
            );
        }
    }
    if !report.problems.is_empty() {
        return Err(BuildError::Invalid(report.problems));
    }
    let grid = grid.expect("no problems means a grid");
    let mut region_specs: Vec<RegionSpec> = regions.iter().map(|r| r.spec.clone()).collect();
    if let Some(fit) = &fit {
        let pieces: Vec<Vec<(usize, f64)>> = (0..slots)
            .map(|s| {
                grid.slot_pieces(s)
                    .into_iter()
                    .map(|(h, w)| (clock::hour_of_week(h), w))
                    .collect()
            })
            .collect();
        for (r, spec) in region_specs.iter_mut().enumerate() {
            spec.risk = PerSlot::Series(
                pieces
                    .iter()
                    .map(|p| {
                        sig(
                            p.iter().map(|&(h, w)| fit.rates.at(r, h) * w).sum(),
                            RISK_DIGITS,
                        )
                    })
                    .collect(),
            );
        }
    }
    let file = InstanceFile {
        format: INSTANCE_FORMAT.to_string(),
        name: req.name.clone(),
        horizon: HorizonSpec {
            start: Some(req.start.trim().to_string()),
            slot_minutes: req.slot_minutes.into(),
            slots: slots.into(),
        },
        travel: Some(TravelSpec::Haversine {
            detour_factor: DETOUR_FACTOR,
        }),
        regions: region_specs,
        posts: posts.iter().map(|p| p.spec.clone()).collect(),
        shift_rules: rules,
        teams: teams.iter().map(|t| t.spec.clone()).collect(),
        objective,
    };
    if let Err(e) = Instance::from_file(&file) {
        let problems = e.problems();
        let sources = Sources {
            regions: &regions,
            regions_name: &regions_name,
            teams: &teams,
            teams_name: &teams_name,
            posts: &posts,
            posts_name: &posts_name,
            rules_name: req
                .rules
                .as_deref()
                .map(display)
                .unwrap_or_else(|| "RULES.json".into()),
            objective_name: req
                .objective
                .as_deref()
                .map(display)
                .unwrap_or_else(|| "(default objective)".into()),
        };
        return Err(BuildError::Invalid(
            problems.iter().map(|p| sources.map(p)).collect(),
        ));
    }
    Ok(Built {
        file,
        incidents: fit,
    })
}

/// The regions' landscape and the placed records, for `risk --check`.
pub fn read_for_check(
    regions: &Path,
    incidents: &Path,
    start: &str,
) -> Result<(Landscape, Vec<Placed>, Tally), BuildError> {
    let mut report = Report::default();
    let grid = grid_of(start, 60, 1, &mut report);
    let name = display(regions);
    let regions = read_regions(&read_text(regions)?, &name, None, &mut report);
    let Some(grid) = grid.filter(|_| report.problems.is_empty()) else {
        return Err(BuildError::Invalid(report.problems));
    };
    let shapes: Vec<_> = regions.iter().map(|r| r.shape.as_ref()).collect();
    let locator = Locator::new(shapes.clone());
    let (placed, tally) = read_incidents(
        open(incidents)?,
        &display(incidents),
        &grid,
        &locator,
        &mut report,
    );
    if !report.problems.is_empty() {
        return Err(BuildError::Invalid(report.problems));
    }
    let groups: Vec<_> = regions.iter().map(|r| r.spec.group.as_deref()).collect();
    Ok((Landscape::new(&shapes, &groups), placed, tally))
}

/// Local hours `[first, last + 1)` spanned by the records (empty when there are none).
pub fn span_of(placed: &[Placed]) -> (i64, i64) {
    let lo = placed.iter().map(|p| p.hour).min().unwrap_or(0);
    let hi = placed.iter().map(|p| p.hour).max().map_or(0, |h| h + 1);
    (lo, hi)
}

/// Rounds to `digits` significant digits through exact decimal formatting (stable
/// across platforms).
pub fn sig(x: f64, digits: usize) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{:.*e}", digits.saturating_sub(1), x)
        .parse()
        .expect("formatted float parses")
}

#[allow(clippy::too_many_arguments)]
fn cross_check(
    regions: &[RegionInput],
    posts: &[PostInput],
    posts_name: &str,
    teams: &[TeamInput],
    teams_name: &str,
    rules: &std::collections::BTreeMap<String, ShiftRulesSpec>,
    rules_file: Option<&Path>,
    report: &mut Report,
) {
    let region_ids: BTreeSet<&str> = regions.iter().map(|r| r.spec.id.as_str()).collect();
    for p in posts {
        if region_ids.contains(p.spec.id.as_str()) {
            report.push(
                posts_name,
                Place::Line(p.line),
                "column id",
                format!(
                    "{:?} is also a region id (region and post ids share one namespace)",
                    p.spec.id
                ),
            );
        }
    }
    let post_ids: BTreeSet<&str> = posts.iter().map(|p| p.spec.id.as_str()).collect();
    for t in teams {
        if let BaseSpec::Id(id) = &t.spec.base {
            if !region_ids.contains(id.as_str()) && !post_ids.contains(id.as_str()) {
                report.push(
                    teams_name,
                    Place::Line(t.line),
                    "column base",
                    format!("{id:?} is neither a region id nor a post id"),
                );
            }
        }
        if !rules.contains_key(&t.spec.rules) {
            let known: Vec<&str> = rules.keys().map(String::as_str).collect();
            let msg = match rules_file {
                None => format!(
                    "rule set {:?} is unknown: no --rules file was given",
                    t.spec.rules
                ),
                Some(f) => format!(
                    "rule set {:?} is not a key of {} (its keys: {})",
                    t.spec.rules,
                    f.display(),
                    known.join(", ")
                ),
            };
            report.push(teams_name, Place::Line(t.line), "column rules", msg);
        }
    }
}

struct Sources<'a> {
    regions: &'a [RegionInput],
    regions_name: &'a str,
    teams: &'a [TeamInput],
    teams_name: &'a str,
    posts: &'a [PostInput],
    posts_name: &'a str,
    rules_name: String,
    objective_name: String,
}

/// Splits `teams[12].available[0]` into `("teams", Some(12), "available[0]")`.
fn split_path(path: &str) -> (&str, Option<usize>, &str) {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    match head.split_once('[') {
        Some((name, idx)) => (name, idx.trim_end_matches(']').parse().ok(), rest),
        None => (head, None, rest),
    }
}

impl Sources<'_> {
    /// Names the input that caused a validation problem of the built instance.
    fn map(&self, p: &Problem) -> InputProblem {
        let (head, index, rest) = split_path(&p.path);
        let field_head = rest.split(['.', '[']).next().unwrap_or("");
        let message = format!("{} ({}) [{}]", p.message, p.action, p.code);
        let make = |file: &str, place: Place, field: String| InputProblem {
            file: file.to_string(),
            place,
            field,
            message: message.clone(),
        };
        match (head, index) {
            ("regions", Some(i)) if i < self.regions.len() => {
                let field = match field_head {
                    "" => String::new(),
                    "boundary" | "location" => "geometry".into(),
                    _ => format!("properties.{rest}"),
                };
                make(
                    self.regions_name,
                    Place::Feature(self.regions[i].feature),
                    field,
                )
            }
            ("teams", Some(i)) if i < self.teams.len() => {
                let t = &self.teams[i];
                let field = match field_head {
                    "" => String::new(),
                    "base" if t.base_is_point => "column base_lon/base_lat".into(),
                    other => format!("column {other}"),
                };
                make(self.teams_name, Place::Line(t.line), field)
            }
            ("posts", Some(i)) if i < self.posts.len() => {
                let field = match field_head {
                    "" => String::new(),
                    "location" => "column lon/lat".into(),
                    other => format!("column {other}"),
                };
                make(self.posts_name, Place::Line(self.posts[i].line), field)
            }
            ("shift_rules", _) => make(
                &self.rules_name,
                Place::Path(rest.to_string()),
                String::new(),
            ),
            ("objective", _) => make(
                &self.objective_name,
                Place::Path(rest.to_string()),
                String::new(),
            ),
            _ => make(
                "(built instance)",
                Place::Path(p.path.clone()),
                String::new(),
            ),
        }
    }
}
