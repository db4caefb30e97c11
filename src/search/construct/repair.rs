//! When the requirement-first construction cannot meet every `min_patrol` requirement
//! (its greedy choices can block each other), the search itself repairs the partial
//! schedule: a member searches in relaxed mode, where a breach costs far more than any
//! objective can be worth, until no breach is left.

use super::super::accept::LateAcceptance;
use super::super::member::Member;
use super::super::state::State;
use super::super::stop::{Position, StopRule};

/// Iterations the repair may take.
pub const REPAIR_ITERATIONS: u64 = 200_000;

/// Searches from `st` (per-team rules kept, coupled rules possibly broken) until every
/// rule holds; true when it does (then `st` is the repaired, strict state), false when
/// the budget or `stop` ran out first (then `st` is unchanged).
pub fn repair_breaches(st: &mut State, seed: u64, stop: &dyn StopRule) -> bool {
    let mut m = Member::new(st.clone(), seed, Box::new(LateAcceptance::new(100)));
    let scale: f64 = st.ctx.inst.weights().iter().sum::<f64>()
        + st.ctx.resp_w.iter().sum::<f64>()
        + st.ctx.back_w.iter().sum::<f64>();
    if !m.repair(
        10.0 * scale.max(1.0),
        REPAIR_ITERATIONS,
        stop,
        &Position::default(),
    ) {
        return false;
    }
    *st = m.st;
    true
}
