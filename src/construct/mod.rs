//! Building schedules: the hand-made baseline, the solver's first feasible schedule
//! (requirements first, then a greedy round-robin by marginal value), and repairing a
//! warm start.

pub mod baseline;
pub mod greedy;
pub mod requirements;
pub mod warm;

pub use baseline::baseline;
pub use greedy::{construct, fill};
pub use requirements::UnmetRequirement;
pub use warm::load_warm;
