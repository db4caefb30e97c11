//! Building schedules: the hand-made baseline (and, later, the solver's constructions).

pub mod baseline;

pub use baseline::baseline;
