//! Acceptance criteria: which candidate solutions the search moves to. Pluggable so
//! that late acceptance (the default) and simulated annealing can be compared.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Decides whether the search moves from `current` to `candidate` (objectives,
/// maximised).
pub trait Acceptance: Send + std::fmt::Debug {
    /// Whether to accept the candidate.
    fn accept(&mut self, current: f64, candidate: f64, rng: &mut ChaCha8Rng) -> bool;
    /// Called once per iteration after the decision with the objective now current.
    fn record(&mut self, current: f64);
    /// Forgets the past after a restart from `current`.
    fn reset(&mut self, current: f64) {
        let _ = current;
    }
}

/// Late acceptance hill climbing (Burke & Bykov): accept a candidate no worse than the
/// current solution or than the solution `len` iterations ago.
#[derive(Debug, Clone)]
pub struct LateAcceptance {
    history: Vec<f64>,
    i: usize,
}

impl LateAcceptance {
    /// A history of `len` iterations (at least 1).
    pub fn new(len: usize) -> LateAcceptance {
        LateAcceptance {
            history: Vec::with_capacity(len.max(1)),
            i: 0,
        }
    }
}

impl Acceptance for LateAcceptance {
    fn accept(&mut self, current: f64, candidate: f64, _rng: &mut ChaCha8Rng) -> bool {
        if candidate >= current {
            return true;
        }
        match self.history.get(self.i) {
            Some(&old) => candidate >= old,
            None => false,
        }
    }

    fn record(&mut self, current: f64) {
        if self.history.len() < self.history.capacity() {
            self.history.push(current);
        } else {
            self.history[self.i] = current;
        }
        self.i = (self.i + 1) % self.history.capacity();
    }

    fn reset(&mut self, current: f64) {
        self.history.iter_mut().for_each(|v| *v = current);
    }
}

/// Simulated annealing with a geometric cooling schedule.
#[derive(Debug, Clone)]
pub struct SimulatedAnnealing {
    temperature: f64,
    cooling: f64,
}

impl SimulatedAnnealing {
    /// Starts at `temperature` (objective units) and multiplies it by `cooling` each
    /// iteration.
    pub fn new(temperature: f64, cooling: f64) -> SimulatedAnnealing {
        SimulatedAnnealing {
            temperature,
            cooling,
        }
    }
}

impl Acceptance for SimulatedAnnealing {
    fn accept(&mut self, current: f64, candidate: f64, rng: &mut ChaCha8Rng) -> bool {
        if candidate >= current {
            return true;
        }
        self.temperature > 0.0
            && rng.random::<f64>() < ((candidate - current) / self.temperature).exp()
    }

    fn record(&mut self, _current: f64) {
        self.temperature *= self.cooling;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn late_acceptance_accepts_what_was_current_len_iterations_ago() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut la = LateAcceptance::new(2);
        la.record(10.0);
        la.record(12.0);
        // history [10, 12], next compared entry is 10
        assert!(la.accept(12.0, 10.5, &mut rng));
        assert!(!la.accept(12.0, 9.5, &mut rng));
        assert!(la.accept(12.0, 12.0, &mut rng));
    }

    #[test]
    fn annealing_never_accepts_worse_at_zero_temperature() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut sa = SimulatedAnnealing::new(0.0, 0.9);
        assert!(!sa.accept(1.0, 0.5, &mut rng));
        assert!(sa.accept(1.0, 1.5, &mut rng));
    }
}
