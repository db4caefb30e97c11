//! Building schedules: a first feasible schedule for the search (requirements first,
//! then a greedy round-robin by marginal value), and repairing a warm start.

pub mod greedy;
pub mod requirements;
pub mod warm;

pub use greedy::{construct, fill};
pub use requirements::UnmetRequirement;
pub use warm::load_warm;
