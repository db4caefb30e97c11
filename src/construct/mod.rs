//! The hand-made baseline schedule (what a dispatcher would do by rule of thumb), the
//! reference every solver result is compared with. The solver's own construction lives
//! with the search (`crate::search::construct`).

pub mod baseline;

pub use baseline::baseline;
