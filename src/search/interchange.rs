//! The Teitz-Bart interchange for the mobile teams of one slot: every mobile team
//! working in the slot is tried at every post it may take (reach, hop with its
//! neighbouring slots, capacity), the best improving relocation is made, and the sweep
//! repeats until none improves (a local optimum of the slot's maximal covering) or
//! [`INTERCHANGE_PASSES`] sweeps ran. Unlike `resite_slot` (greedy construction, then
//! swaps, from the siting module) it starts from the current posts and changes only
//! what improves, so it keeps what the rest of the search built.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::context::NONE;
use super::state::State;

/// Most best-improvement sweeps of one interchange.
pub const INTERCHANGE_PASSES: usize = 6;
/// Most (team, post) pairs looked at per sweep; larger slots are sampled from a random
/// team onward, so that a sweep costs about as much as a few single-team moves.
pub const INTERCHANGE_PAIRS: usize = 4_000;

/// Interchange in a random slot where local mobile team `li` works. False when `li` is
/// a patrol team, never works, or no relocation improves.
pub fn interchange(st: &mut State, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    if ctx.patrol[st.teams[li]] || st.worked[li] == 0 {
        return false;
    }
    let mut s = rng.random_range(0..n);
    while st.at(li, s) == NONE {
        s = (s + 1) % n;
    }
    let locals: Vec<usize> = (0..st.teams.len())
        .filter(|&lj| !ctx.patrol[st.teams[lj]] && st.at(lj, s) != NONE)
        .collect();
    let first = rng.random_range(0..locals.len());
    let mut changed = false;
    for _ in 0..INTERCHANGE_PASSES {
        let mut best: Option<(f64, usize, u32)> = None;
        let mut pairs = 0;
        for o in 0..locals.len() {
            if pairs >= INTERCHANGE_PAIRS {
                break;
            }
            let lj = locals[(first + o) % locals.len()];
            let k = st.teams[lj];
            let here = st.at(lj, s);
            let prev = if s > 0 { st.at(lj, s - 1) } else { NONE };
            let next = if s + 1 < n { st.at(lj, s + 1) } else { NONE };
            let before = st.penalised();
            st.set(lj, s, NONE);
            let loss = before - st.penalised();
            for &p in ctx.reach(k) {
                pairs += 1;
                if p == here
                    || (prev != NONE && !ctx.hop_ok(k, prev, p))
                    || (next != NONE && !ctx.hop_ok(k, p, next))
                    || !st.may_enter(k, p, s)
                {
                    continue;
                }
                let delta = st.gain(k, p, s) - loss;
                if delta > 1e-9 * before.abs().max(1.0) && best.is_none_or(|b| delta > b.0) {
                    best = Some((delta, lj, p));
                }
            }
            st.set(lj, s, here);
        }
        let Some((_, lj, p)) = best else {
            break;
        };
        st.set(lj, s, NONE);
        st.set(lj, s, p);
        changed = true;
    }
    changed && (st.relaxed || st.feasible())
}
