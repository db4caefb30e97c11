//! `patrolplan generate --preset P [--seed N] --out FILE [--pretty]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::write_file;
use super::CommandResult;
use crate::generate::{generate, to_json, Preset};

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Scenario preset.
    #[arg(long, value_enum)]
    preset: Preset,
    /// Seed of the generator; the same preset and seed give the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output instance file.
    #[arg(long)]
    out: PathBuf,
    /// Indent the JSON (larger file; compact is the default).
    #[arg(long)]
    pretty: bool,
}

/// Writes the preset's instance and prints a one-line summary.
pub fn run(args: GenerateArgs) -> CommandResult {
    let file = generate(args.preset, args.seed);
    let json = to_json(&file, args.pretty);
    write_file(&args.out, json.as_bytes())?;
    let patrol = file
        .teams
        .iter()
        .filter(|t| t.kind == crate::model::TeamKind::Patrol)
        .count();
    say!(
        "{}: {} ({} regions, {} posts, {} patrol teams incl. volunteers, {} mobile teams, {} bytes)",
        args.out.display(),
        file.name,
        file.regions.len(),
        file.posts.len(),
        patrol,
        file.teams.len() - patrol,
        json.len()
    );
    Ok(ExitCode::SUCCESS)
}
