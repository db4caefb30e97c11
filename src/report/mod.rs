//! Reports and output files.

pub mod atomic;

pub use atomic::write_atomic;
