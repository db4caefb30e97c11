//! The optimiser: an incremental state with delta evaluation, route/retime/repair
//! moves, late-acceptance local search, and a deterministic parallel driver.
//!
//! The search keeps every per-team rule at every step. On small components it may
//! break the coupled rules (`min_patrol`, `volunteer_escort`, `post_capacity`) for a
//! while at an adaptive penalty (see [`member`]); the best it keeps, and returns, is
//! always a schedule that keeps every rule. It works on independent components of the instance in parallel, each with
//! a fixed number of portfolio members merged at fixed iteration counts, so that a run
//! bounded by iterations gives the same schedule whatever the thread count.

pub mod accept;
pub mod cancel;
pub mod check;
pub mod components;
pub mod compound;
pub mod construct;
pub mod context;
pub mod exact;
pub mod interchange;
pub mod joint;
pub mod member;
pub mod mobile;
pub mod mobile_timing;
pub mod moves;
pub mod neighbourhood;
pub mod ops;
pub mod pair;
pub mod path;
pub mod reassign;
pub mod solver;
pub mod state;
pub mod stop;
pub mod swap_shift;

pub use cancel::CancelToken;
pub use neighbourhood::{MoveCounts, MoveStats};
pub use solver::{AcceptanceKind, Progress, SolveError, SolveOutcome, SolveStats, Solver};
pub use state::Score;
