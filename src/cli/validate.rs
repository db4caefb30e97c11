//! `patrolplan validate INSTANCE`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::memory::{load, MemoryArgs};
use super::{CommandResult, Failure};
use crate::model::memory::Work;
use crate::model::{InstanceError, TeamKind, CODES};

/// Arguments of `validate`.
#[derive(Debug, Args)]
#[command(after_long_help = codes_help())]
pub struct ValidateArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Print the problems as a JSON array instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    memory: MemoryArgs,
}

fn codes_help() -> String {
    let mut text = String::from("Problem codes:\n");
    for (code, meaning) in CODES {
        text.push_str(&format!("  {code:<24} {meaning}\n"));
    }
    text
}

/// Prints every problem (exit 2) or a one-line summary of a valid instance (exit 0).
pub fn run(args: ValidateArgs) -> CommandResult {
    let loaded = match load(&args.instance, &args.memory, Work::Validate) {
        Ok(inst) => Ok(inst),
        Err(Failure::BadInput(e)) => match e.downcast::<InstanceError>() {
            Ok(ie) => Err(ie),
            Err(other) => return Err(Failure::BadInput(other)),
        },
        Err(other) => return Err(other),
    };
    match loaded {
        Ok(inst) => {
            if args.json {
                say!("[]");
            } else {
                let patrol = inst
                    .teams()
                    .iter()
                    .filter(|t| t.kind == TeamKind::Patrol)
                    .count();
                say!(
                    "{}: valid ({} regions, {} posts, {} patrol teams, {} mobile teams, {} slots of {} min)",
                    args.instance.display(),
                    inst.regions().len(),
                    inst.posts().len(),
                    patrol,
                    inst.teams().len() - patrol,
                    inst.slots(),
                    inst.horizon().slot_minutes
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(InstanceError::Invalid(problems)) => {
            if args.json {
                say!("{}", serde_json::to_string_pretty(&problems)?);
            } else {
                tell!("{}: {} problem(s)", args.instance.display(), problems.len());
                for p in &problems {
                    tell!("  {p}");
                }
            }
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
