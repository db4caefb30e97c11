//! # patrolplan
//!
//! Patrol scheduling optimisation: which joint-patrol team patrols which region in each
//! time slot, and where each emergency-mobile team stands by, so that patrols are where
//! people and risk are, and incidents can be reached within the response standard.
//!
//! The crate is organised as the problem is:
//! - [`model`]: the instance file format, its validation (every problem at once, with
//!   codes and JSON paths), and the immutable [`Instance`];
//! - [`geo`]: points, travel minutes, reach / hop / cover relations;
//! - [`schedule`]: the schedule format and the evaluator — the one referee of every
//!   number printed (hard rules, objective, KPIs);
//! - [`construct`]: the hand-made baseline and the solver's construction;
//! - [`search`]: the [`Solver`] (incremental state, moves, LNS, acceptance,
//!   termination, deterministic rayon portfolio, cancel token);
//! - [`siting`]: mobile-team maximal covering with backup, and move-up;
//! - [`bound`]: proven upper bounds (LP relaxation, Lagrangian, trivial);
//! - [`build`]: an instance from a planner's GeoJSON/CSV data and incident records;
//! - [`generate`]: scenario presets (tiny, small, nanjing, jiangsu);
//! - [`pipeline`]: the one library run (baseline, bound, search, re-score) that the
//!   CLI's `solve` calls;
//! - [`report`], [`cli`]: output files and the command line.
//!
//! Solve a preset and check the result with the evaluator:
//!
//! ```
//! use patrolplan::generate::{generate, Preset};
//! use patrolplan::schedule::evaluate;
//! use patrolplan::{Instance, Solver};
//!
//! let instance = Instance::from_file(&generate(Preset::Tiny, 7)).expect("presets are valid");
//! let outcome = Solver::new(&instance).seed(1).iterations(2_000).solve().expect("feasible");
//! let referee = evaluate(&instance, &outcome.schedule);
//! assert!(referee.feasible);
//! assert!((referee.objective.total - outcome.objective.total).abs() <= 1e-9 * referee.objective.total.abs().max(1.0));
//! ```

pub mod bound;
pub mod build;
pub mod cli;
pub mod construct;
pub mod events;
pub mod generate;
pub mod geo;
pub mod model;
pub mod pipeline;
pub mod replan;
pub mod report;
pub mod schedule;
pub mod search;
pub mod siting;

pub use model::{load_instance, Instance, InstanceError};
pub use pipeline::{Pipeline, PipelineError, PipelineOutcome, Replan, Replanner, RunSettings};
pub use search::{CancelToken, SolveError, SolveOutcome, Solver};
