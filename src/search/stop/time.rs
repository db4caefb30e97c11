//! Stop at a wall-clock deadline.

use std::time::Instant;

use super::{Position, StopRule};

/// Stops once the deadline has passed.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Instant);

impl StopRule for Deadline {
    fn stop(&self, _at: &Position) -> bool {
        Instant::now() >= self.0
    }
}
