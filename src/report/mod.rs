//! Reports and output files.

pub mod atomic;
pub mod table;

pub use atomic::write_atomic;
pub use table::{comparison_rows, render_comparison};
