//! The command line: arguments are parsed by clap, each command lives in its own file
//! and returns an exit code. `anyhow` is used only here, at the binary's edge.

/// `println!` that a closed stdout does not turn into a panic (see [`output`]).
macro_rules! say {
    ($($arg:tt)*) => {{
        $crate::cli::output::print_stdout(&format!("{}\n", format_args!($($arg)*)));
    }};
}

/// `print!` that a closed stdout does not turn into a panic (see [`output`]).
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        $crate::cli::output::print_stdout(&format!($($arg)*));
    }};
}

/// `eprintln!` that a closed stderr does not turn into a panic (see [`output`]): a
/// message nobody can read is dropped, and the command's exit code still tells.
macro_rules! tell {
    ($($arg:tt)*) => {{
        $crate::cli::output::print_stderr(&format!("{}\n", format_args!($($arg)*)));
    }};
}

mod baseline;
mod bound;
mod build;
mod evaluate;
mod export;
mod generate;
pub mod memory;
pub mod output;
mod replan;
mod report;
pub mod signals;
mod solve;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Patrol scheduling optimisation for joint-patrol and emergency-mobile teams.
#[derive(Debug, Parser)]
#[command(name = "patrolplan", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a scenario instance (tiny, small, nanjing, jiangsu, nanjing-grid, jiangsu-grid).
    Generate(generate::GenerateArgs),
    /// Check an instance file and print every problem found (exit 0 valid, 2 invalid).
    Validate(validate::ValidateArgs),
    /// Write the hand-made baseline schedule of an instance.
    Baseline(baseline::BaselineArgs),
    /// Score a schedule and list every breach (exit 0 feasible, 1 infeasible, 2 bad input).
    Evaluate(evaluate::EvaluateArgs),
    /// Print a proven upper bound on the objective of every feasible schedule.
    Bound(bound::BoundArgs),
    /// Optimise a schedule: first feasible, then improved until the limit (progress on stderr).
    Solve(solve::SolveArgs),
    /// Re-plan a schedule from `now` after dispatch events (history and pins kept).
    Replan(replan::ReplanArgs),
    /// Build an instance from GeoJSON regions, CSV teams/posts/incidents (see docs/build.md).
    Build(build::BuildArgs),
    /// Check the risk estimate on held-out weeks of incident records (PAI, hit rates).
    Risk(build::RiskArgs),
    /// Write the plan for people: one self-contained HTML file (map, timeline, KPIs, breaches).
    Report(report::ReportArgs),
    /// Write the plan for other tools: GeoJSON and CSV files.
    Export(export::ExportArgs),
}

/// How a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or usage: exit code 2.
    BadInput(anyhow::Error),
    /// A valid input with an unwanted answer: exit code 1.
    Unwanted(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::BadInput(e.into())
    }
}

/// What a command returns: `Ok(code)` on success (0, or 1 for an unwanted but
/// well-formed answer such as an infeasible schedule).
pub type CommandResult = Result<ExitCode, Failure>;

/// `--time-limit SECS` as a duration: a positive, finite number of seconds, else bad
/// input (checked before any file is read).
fn time_limit_arg(secs: f64) -> Result<std::time::Duration, Failure> {
    if secs.is_finite() && secs > 0.0 {
        Ok(std::time::Duration::from_secs_f64(secs))
    } else {
        Err(Failure::BadInput(anyhow::anyhow!(
            "--time-limit must be a positive number of seconds, got {secs}"
        )))
    }
}

/// `--bound-share` in [0, 1), else bad input.
fn bound_share_arg(share: f64) -> Result<f64, Failure> {
    if (0.0..1.0).contains(&share) {
        Ok(share)
    } else {
        Err(Failure::BadInput(anyhow::anyhow!(
            "--bound-share must be in [0, 1), got {share}"
        )))
    }
}

/// Parses the arguments, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Baseline(args) => baseline::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Bound(args) => bound::run(args),
        Command::Solve(args) => solve::run(args),
        Command::Replan(args) => replan::run(args),
        Command::Build(args) => build::run(args),
        Command::Risk(args) => build::run_risk(args),
        Command::Report(args) => report::run(args),
        Command::Export(args) => export::run(args),
    };
    match result {
        Ok(code) => code,
        Err(Failure::BadInput(e)) => {
            print_error(&e);
            ExitCode::from(2)
        }
        Err(Failure::Unwanted(e)) => {
            print_error(&e);
            ExitCode::from(1)
        }
    }
}

/// Prints the error on stderr; a closed stderr is not a panic (the exit code still says
/// what happened).
fn print_error(e: &anyhow::Error) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "error: {e:#}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limit_and_bound_share_are_checked_once_for_every_command() {
        assert_eq!(
            time_limit_arg(2.5).unwrap(),
            std::time::Duration::from_millis(2500)
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = time_limit_arg(bad).unwrap_err();
            assert!(
                matches!(err, Failure::BadInput(ref e) if e.to_string().contains("--time-limit"))
            );
        }
        assert_eq!(bound_share_arg(0.0).unwrap(), 0.0);
        assert_eq!(bound_share_arg(0.2).unwrap(), 0.2);
        for bad in [1.0, -0.1, f64::NAN] {
            let err = bound_share_arg(bad).unwrap_err();
            assert!(
                matches!(err, Failure::BadInput(ref e) if e.to_string().contains("--bound-share"))
            );
        }
    }
}
