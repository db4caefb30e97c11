//! When the search stops: one rule per file (time, iterations, no improvement, cancel),
//! composed with [`AnyOf`]. The driver asks between epochs with the run's counters;
//! members ask every few moves with the counters at the start of their epoch, so only
//! the rules that do not depend on counters (time, cancel) can stop an epoch early,
//! which keeps iteration-bounded runs reproducible.

mod cancel;
mod iterations;
mod no_improvement;
mod time;

pub use cancel::Cancelled;
pub use iterations::IterationBudget;
pub use no_improvement::NoImprovement;
pub use time::Deadline;

/// The run's counters a rule may look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Position {
    /// Iterations run so far, per portfolio member (the unit of `--iterations`).
    pub iterations: u64,
    /// Iterations per member since the best objective last improved.
    pub since_improvement: u64,
}

/// A reason to stop.
pub trait StopRule: Send + Sync + std::fmt::Debug {
    /// Whether the search must stop now.
    fn stop(&self, at: &Position) -> bool;
}

/// Stops when any of its rules does.
#[derive(Debug, Default)]
pub struct AnyOf(pub Vec<Box<dyn StopRule>>);

impl AnyOf {
    /// Adds a rule.
    pub fn with(mut self, rule: impl StopRule + 'static) -> Self {
        self.0.push(Box::new(rule));
        self
    }
}

impl StopRule for AnyOf {
    fn stop(&self, at: &Position) -> bool {
        self.0.iter().any(|r| r.stop(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::CancelToken;
    use std::time::{Duration, Instant};

    #[test]
    fn any_of_stops_when_one_rule_does() {
        let token = CancelToken::new();
        let rules = AnyOf::default()
            .with(IterationBudget(100))
            .with(NoImprovement(50))
            .with(Deadline(Instant::now() + Duration::from_secs(3600)))
            .with(Cancelled(token.clone()));
        let at = |iterations, since_improvement| Position {
            iterations,
            since_improvement,
        };
        assert!(!rules.stop(&at(10, 10)));
        assert!(rules.stop(&at(100, 0)));
        assert!(rules.stop(&at(10, 50)));
        token.cancel();
        assert!(rules.stop(&at(0, 0)));
        assert!(Deadline(Instant::now()).stop(&at(0, 0)));
        assert!(!AnyOf::default().stop(&at(u64::MAX, u64::MAX)));
    }
}
