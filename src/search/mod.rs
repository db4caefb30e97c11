//! The optimiser: an incremental state with delta evaluation, route/retime/repair
//! moves, late-acceptance local search, and a deterministic parallel driver.
//!
//! The search keeps every hard rule at every step: moves that would break one are not
//! applied. It works on independent components of the instance in parallel, each with
//! a fixed number of portfolio members merged at fixed iteration counts, so that a run
//! bounded by iterations gives the same schedule whatever the thread count.

pub mod accept;
pub mod cancel;
pub mod check;
pub mod components;
pub mod context;
pub mod exact;
pub mod member;
pub mod moves;
pub mod ops;
pub mod pair;
pub mod path;
pub mod solver;
pub mod state;

pub use cancel::CancelToken;
pub use solver::{AcceptanceKind, Progress, SolveError, SolveOutcome, SolveStats, Solver};
pub use state::Score;
