//! Schedules: the in-memory plan, the schedule file format, the evaluator (the referee
//! of every number patrolplan prints) and the KPIs.

pub mod plan;

pub use plan::{Schedule, Shift};
