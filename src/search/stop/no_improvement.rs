//! Stop when the best objective has not improved for a while.

use super::{Position, StopRule};

/// Stops after this many iterations (per member) without a better schedule.
#[derive(Debug, Clone, Copy)]
pub struct NoImprovement(pub u64);

impl StopRule for NoImprovement {
    fn stop(&self, at: &Position) -> bool {
        at.since_improvement >= self.0
    }
}
