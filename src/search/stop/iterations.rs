//! Stop after an iteration budget.

use super::{Position, StopRule};

/// Stops once this many iterations (per member) have run.
#[derive(Debug, Clone, Copy)]
pub struct IterationBudget(pub u64);

impl StopRule for IterationBudget {
    fn stop(&self, at: &Position) -> bool {
        at.iterations >= self.0
    }
}
