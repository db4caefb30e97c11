//! # patrolplan
//!
//! Patrol scheduling optimisation: which joint-patrol team patrols which region in each
//! time slot, and where each emergency-mobile team stands by, so that patrols are where
//! people and risk are, and incidents can be reached within the response standard.
//!
//! The crate is organised as the problem is:
//! - [`model`]: the instance file format, its validation, and the immutable [`Instance`];
//! - [`geo`]: points, travel minutes, reach/hop/cover relations;
//! - [`generate`]: scenario presets (tiny, small, nanjing, jiangsu).
//!
//! ```
//! use patrolplan::generate::{generate, Preset};
//! use patrolplan::Instance;
//!
//! let file = generate(Preset::Tiny, 7);
//! let instance = Instance::from_file(&file).expect("presets are valid");
//! assert_eq!(instance.slots(), 24);
//! ```

pub mod bound;
pub mod cli;
pub mod construct;
pub mod generate;
pub mod geo;
pub mod model;
pub mod report;
pub mod schedule;
pub mod search;
pub mod siting;

pub use model::{load_instance, Instance, InstanceError};
pub use search::{CancelToken, SolveError, SolveOutcome, Solver};
