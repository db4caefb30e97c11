//! # patrolplan
//!
//! Patrol scheduling optimisation: which joint-patrol team patrols which region in each
//! time slot, and where each emergency-mobile team stands by, so that patrols are where
//! people and risk are, and incidents can be reached within the response standard.
//!
//! The crate is organised as the problem is; arrows point one way
//! (`cli` -> `pipeline` -> `search` / `bound` / `siting` / `replan` -> `schedule` ->
//! `model` / `geo`):
//! - [`model`]: the instance file format, its validation (every problem at once, with
//!   codes and JSON paths), and the immutable [`Instance`] (a change returns a new
//!   validated copy);
//! - [`geo`]: points, travel minutes, reach / hop / cover relations;
//! - [`schedule`]: the schedule format and the evaluator — the one referee of every
//!   number printed (hard rules, objective, KPIs, the section 9 re-plan rules);
//! - [`construct`]: the hand-made baseline a dispatcher would write;
//! - [`search`]: the [`Solver`] (its own construction, incremental state, moves with
//!   statistics, penalties for coupled rules, acceptance, stopping rules, deterministic
//!   rayon portfolio, cancel token);
//! - [`siting`]: mobile-team maximal covering with backup (exact and heuristic), move-up;
//! - [`bound`]: proven upper bounds (exact branch and bound on small components,
//!   Lagrangian with the shift DP, LP relaxation, trivial);
//! - [`events`], [`replan`]: re-planning events (section 9) and the warm re-planner;
//! - [`build`]: an instance from a planner's GeoJSON/CSV data and incident records;
//! - [`generate`]: scenario presets (tiny, small, nanjing, jiangsu and the grid presets);
//! - [`pipeline`]: the one library run (baseline, bound, search, verdict) behind the
//!   CLI's `solve` and `replan`;
//! - [`report`], [`cli`]: the HTML report, exports and the command line.
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
//!
//! The whole run a planner gets from `patrolplan solve` — baseline, proven bound, search,
//! gap and `proven_optimal` — is the [`Pipeline`]; an iteration budget makes it
//! reproducible at any thread count:
//!
//! ```
//! use patrolplan::generate::{generate, Preset};
//! use patrolplan::{Instance, Pipeline};
//!
//! let instance = Instance::from_file(&generate(Preset::Tiny, 3)).expect("presets are valid");
//! let run = Pipeline::new(&instance).seed(1).threads(2).iterations(Some(3_000)).run().expect("feasible");
//! let bound = run.bound.expect("a bound is always computed");
//! assert!(run.objective.total <= bound + 1e-9 * bound.abs().max(1.0), "the bound is proven");
//! assert!(run.objective.total >= run.baseline.objective.total - 1e-9);
//! if run.proven_optimal {
//!     assert!(run.gap.unwrap_or(0.0) <= 1e-9);
//! }
//! ```
//!
//! A dispatch system keeps a [`Replanner`] warm and hands it events (section 9): here a
//! mobile team on stand-by is dispatched to an incident for two hours and the others move
//! up; the answer keeps every rule and the history.
//!
//! ```
//! use patrolplan::events::parse_events;
//! use patrolplan::generate::{generate, Preset};
//! use patrolplan::model::TeamKind;
//! use patrolplan::schedule::Cell;
//! use patrolplan::{Instance, Replanner, RunSettings, Solver};
//!
//! let instance = Instance::from_file(&generate(Preset::Tiny, 7)).expect("presets are valid");
//! let plan = Solver::new(&instance).seed(1).iterations(2_000).solve().expect("feasible").schedule;
//! let on_duty = (0..instance.teams().len())
//!     .find(|&k| instance.teams()[k].kind == TeamKind::Mobile && plan.cell(k, 4) != Cell::Off)
//!     .expect("a mobile team stands by at slot 4");
//! let (name, team) = (instance.name(), &instance.teams()[on_duty].id);
//! let json = format!(r#"{{"format":"patrolplan.events.v1","instance":"{name}","now":4,
//!     "events":[{{"type":"dispatched","team":"{team}","from":4,"to":6}}]}}"#);
//! let events = parse_events(&json, &instance, &plan).expect("valid events");
//! let settings = RunSettings { iterations: Some(500), ..RunSettings::default() };
//! let mut replanner = Replanner::new(instance, plan).with_settings(settings);
//! let replan = replanner.apply(&events).expect("a feasible re-plan");
//! assert!(replan.objective_total.total.is_finite());
//! assert!(replanner.schedule().cell(on_duty, 5) == Cell::Null, "on duty at the incident");
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
