//! The solver's first feasible schedule: requirements first, then a greedy round-robin
//! by marginal value; and repairing a warm start. It lives with the search because it
//! is built from the search's own state and route programme.

pub mod greedy;
pub mod repair;
pub mod requirements;
pub mod warm;

pub use greedy::{construct, fill};
pub use repair::repair_breaches;
pub use requirements::{ConstructError, UnmetRequirement};
pub use warm::load_warm;
