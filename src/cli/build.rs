//! `patrolplan build ...` (an instance from a planner's data, contract section 11) and
//! `patrolplan risk --check ...` (how well the risk estimate predicts held-out incidents).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::write_file;
use super::{CommandResult, Failure};
use crate::build::check::check;
use crate::build::{build, read_for_check, BuildError, BuildRequest, IncidentFit};
use crate::generate::to_json;

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Regions: GeoJSON FeatureCollection (Polygon, MultiPolygon or Point features).
    #[arg(long)]
    regions: PathBuf,
    /// Teams CSV (header line; see docs/build.md).
    #[arg(long)]
    teams: PathBuf,
    /// Stand-by posts CSV: id, lon, lat, capacity.
    #[arg(long)]
    posts: Option<PathBuf>,
    /// Incident records CSV: time, lon, lat, type, weight; risk is estimated from them.
    #[arg(long)]
    incidents: Option<PathBuf>,
    /// First instant of the horizon, RFC 3339 (its offset is the local clock of windows).
    #[arg(long)]
    start: String,
    /// Minutes per slot.
    #[arg(long)]
    slot_minutes: u32,
    /// Number of slots.
    #[arg(long)]
    slots: usize,
    /// Shift rule sets: JSON object of rule sets keyed by name.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Objective weights: JSON object, every field optional.
    #[arg(long)]
    objective: Option<PathBuf>,
    /// Instance name (default: the output file's stem).
    #[arg(long)]
    name: Option<String>,
    /// Output instance file.
    #[arg(long)]
    out: PathBuf,
    /// Also run the risk check (needs --incidents); the table goes to stderr.
    #[arg(long)]
    check_risk: bool,
    /// Weeks held out by the risk check.
    #[arg(long, default_value_t = 4)]
    holdout_weeks: usize,
}

/// Arguments of `risk`.
#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Split the records in time, fit on the earlier part, score the later part.
    #[arg(long, required = true)]
    check: bool,
    /// Regions GeoJSON.
    #[arg(long)]
    regions: PathBuf,
    /// Incident records CSV.
    #[arg(long)]
    incidents: PathBuf,
    /// An RFC 3339 time whose offset is the local clock of hours of the week.
    #[arg(long)]
    start: String,
    /// Weeks held out (the latest weeks of the records).
    #[arg(long, default_value_t = 4)]
    holdout_weeks: usize,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

fn bad_input(e: BuildError) -> Failure {
    match e {
        BuildError::Invalid(ps) => {
            let mut text = format!("{} problem(s) in the inputs:", ps.len());
            for p in &ps {
                text.push_str(&format!("\n  {p}"));
            }
            Failure::BadInput(anyhow::anyhow!(text))
        }
        io => Failure::BadInput(io.into()),
    }
}

fn print_fit(fit: &IncidentFit, file: &str) {
    for line in fit.tally.lines(file) {
        tell!("{line}");
    }
    let r = &fit.report;
    let how = if r.folds > 0 {
        format!(
            "chosen by {}-fold cross-validation over {} weeks",
            r.folds, r.weeks
        )
    } else {
        format!(
            "defaults: the records span {} week(s), too few to hold one out",
            r.weeks
        )
    };
    tell!(
        "risk: kappa_space {}, kappa_time {} ({how})",
        r.kappa_space,
        r.kappa_time
    );
}

/// Builds, validates and writes the instance.
pub fn run(args: BuildArgs) -> CommandResult {
    let name = args.name.clone().unwrap_or_else(|| {
        args.out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "built".into())
    });
    let req = BuildRequest {
        regions: args.regions.clone(),
        teams: args.teams.clone(),
        posts: args.posts.clone(),
        incidents: args.incidents.clone(),
        start: args.start.clone(),
        slot_minutes: args.slot_minutes,
        slots: args.slots,
        rules: args.rules.clone(),
        objective: args.objective.clone(),
        name,
    };
    if args.check_risk && args.incidents.is_none() {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "--check-risk needs --incidents"
        )));
    }
    let built = build(&req).map_err(bad_input)?;
    if let (Some(fit), Some(path)) = (&built.incidents, &args.incidents) {
        print_fit(fit, &path.display().to_string());
    }
    if args.check_risk {
        let (land, placed, _) = read_for_check(
            &args.regions,
            args.incidents.as_ref().expect("checked"),
            &args.start,
        )
        .map_err(bad_input)?;
        match check(&land, &placed, args.holdout_weeks) {
            Ok((report, _)) => eprint!("{}", report.table()),
            Err(e) => tell!("risk check skipped: {e}"),
        }
    }
    let json = to_json(&built.file, false);
    write_file(&args.out, json.as_bytes())?;
    let f = &built.file;
    say!(
        "{}: {} ({} regions, {} posts, {} teams, {} slots of {} min, {} bytes)",
        args.out.display(),
        f.name,
        f.regions.len(),
        f.posts.len(),
        f.teams.len(),
        args.slots,
        args.slot_minutes,
        json.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs the risk check.
pub fn run_risk(args: RiskArgs) -> CommandResult {
    let _ = args.check;
    let (land, placed, tally) =
        read_for_check(&args.regions, &args.incidents, &args.start).map_err(bad_input)?;
    for line in tally.lines(&args.incidents.display().to_string()) {
        tell!("{line}");
    }
    let (report, _) =
        check(&land, &placed, args.holdout_weeks).map_err(|e| Failure::BadInput(e.into()))?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        say_raw!("{}", report.table());
    }
    Ok(ExitCode::SUCCESS)
}
