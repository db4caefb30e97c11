//! Reports and output files: the KPI table, explanations of uncovered risk, the
//! GeoJSON and CSV exports and the self-contained HTML report. Every number in them
//! comes from the evaluator ([`crate::schedule`]).

pub mod explain;
pub mod export;
pub mod html;
pub mod table;
pub mod time;

pub use table::{comparison_rows, render_comparison};
pub use time::Clock;
