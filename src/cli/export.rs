//! `patrolplan export INSTANCE SCHEDULE [--geojson F] [--csv F] [--slots-csv F]`: the
//! plan for other tools (MODEL.md section 10).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::memory::MemoryArgs;
use super::output::write_file;
use super::report::load;
use super::{CommandResult, Failure};
use crate::report::export::{geojson, roster_csv, slots_csv};
use crate::schedule::evaluate_input_detailed;

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Schedule file (patrolplan.schedule.v1 JSON).
    schedule: PathBuf,
    /// GeoJSON FeatureCollection: regions, posts and patrol routes.
    #[arg(long)]
    geojson: Option<PathBuf>,
    /// Roster CSV: one row per team shift.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Slots CSV: one row per worked team-slot.
    #[arg(long)]
    slots_csv: Option<PathBuf>,
    #[command(flatten)]
    memory: MemoryArgs,
}

/// Writes the files asked for, each atomically; exit 0 also for an infeasible schedule.
pub fn run(args: ExportArgs) -> CommandResult {
    if args.geojson.is_none() && args.csv.is_none() && args.slots_csv.is_none() {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "nothing to export: give at least one of --geojson FILE, --csv FILE, --slots-csv FILE"
        )));
    }
    let loaded = load(&args.instance, &args.schedule, &args.memory)?;
    let (inst, input) = (&loaded.instance, &loaded.input);
    // Render everything first, so that a failure leaves no file written.
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(path) = &args.geojson {
        let (_, detail) = evaluate_input_detailed(inst, input);
        let fc = geojson(inst, input, &detail);
        outputs.push((path.clone(), serde_json::to_vec(&fc)?));
    }
    if let Some(path) = &args.csv {
        outputs.push((path.clone(), roster_csv(inst, input)?));
    }
    if let Some(path) = &args.slots_csv {
        outputs.push((path.clone(), slots_csv(inst, input)?));
    }
    for (path, bytes) in &outputs {
        write_file(path, bytes)?;
        tell!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(ExitCode::SUCCESS)
}
