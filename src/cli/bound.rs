//! `patrolplan bound INSTANCE [--time-limit SECS] [--json]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use clap::Args;

use super::memory::{load, MemoryArgs};
use super::{CommandResult, Failure};
use crate::bound::{BoundMethod, BoundOptions};
use crate::model::memory::Work;
use crate::pipeline::bound_with_search;

/// Arguments of `bound`.
#[derive(Debug, Args)]
pub struct BoundArgs {
    /// Instance file (patrolplan.instance.v1 JSON).
    instance: PathBuf,
    /// Wall-clock budget in seconds (the bound stays valid, only weaker, when short).
    /// Small instances: 15 % to a search (a good incumbent for the exact path), the
    /// rest to the exact path, the Lagrangian only with what it leaves (at least 10 %);
    /// loading the instance is not counted. SIGINT or
    /// SIGTERM stops the Lagrangian early and prints the best bound proven so far.
    #[arg(long, default_value_t = 60.0)]
    time_limit: f64,
    /// Force a method (exact, exact_lp, lagrangian, trivial); default: chosen by size.
    #[arg(long)]
    method: Option<String>,
    /// Print `{"bound", "method", "elapsed_ms"}` as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    memory: MemoryArgs,
}

/// Prints a proven upper bound on the objective of every feasible schedule.
pub fn run(args: BoundArgs) -> CommandResult {
    let time_limit = super::time_limit_arg(args.time_limit)?;
    let method = match args.method.as_deref() {
        None => None,
        Some("exact_lp") => Some(BoundMethod::ExactLp),
        Some("lagrangian") => Some(BoundMethod::Lagrangian),
        Some("trivial") => Some(BoundMethod::Trivial),
        Some("exact") => Some(BoundMethod::Exact),
        Some(other) => {
            return Err(Failure::BadInput(anyhow!(
                "--method must be exact, exact_lp, lagrangian or trivial, got {other}"
            )))
        }
    };
    let instance = load(&args.instance, &args.memory, Work::Bound)?;
    let options = BoundOptions { time_limit, method };
    let cancel = super::signals::cancel_on_signals();
    let result = bound_with_search(&instance, &options, &cancel)?;
    if args.json {
        let out = serde_json::json!({
            "bound": result.bound,
            "method": result.method,
            "elapsed_ms": result.elapsed_ms,
            "proven_optimal": result.proven_optimal,
            "components": result.components,
        });
        say!("{out}");
    } else {
        say!(
            "{}: bound {:.6} ({}, {} ms)",
            instance.name(),
            result.bound,
            result.method,
            result.elapsed_ms
        );
    }
    Ok(ExitCode::SUCCESS)
}
