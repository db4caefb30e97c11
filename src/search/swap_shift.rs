//! Single-shift swap between two teams of the same kind: team A's shift and what team
//! B does over the same hours are exchanged, the window widened until neither team works
//! across its edges (so both plans stay whole shifts). Between whole-plan swaps
//! (`swap_plans`) and single-team moves: it moves one shift's worth of work to a team
//! that is more effective, reaches further or is available when A is not needed.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::compound::plan_fits;
use super::context::NONE;
use super::state::State;

/// Random teams drawn when looking for a partner.
const PARTNER_TRIES: usize = 16;

/// Swaps one random shift of local team `li` (with whatever the partner does over the
/// same hours) with a random other team of the same kind. False when `li` does not
/// work, no partner differs there, or a per-team rule (or, strict, a coupled rule)
/// would break.
pub fn swap_shift(st: &mut State, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    if st.worked[li] == 0 {
        return false;
    }
    let patrol = ctx.patrol[st.teams[li]];
    let nt = st.teams.len();
    let Some(lj) = (0..PARTNER_TRIES)
        .map(|_| rng.random_range(0..nt))
        .find(|&lj| lj != li && ctx.patrol[st.teams[lj]] == patrol)
    else {
        return false;
    };
    let mut s = rng.random_range(0..n);
    while st.at(li, s) == NONE {
        s = (s + 1) % n;
    }
    // Widen [a, b) until neither team works across its edges.
    let works = |st: &State, t: usize| st.at(li, t) != NONE || st.at(lj, t) != NONE;
    let (mut a, mut b) = (s, s + 1);
    while a > 0 && works(st, a - 1) {
        a -= 1;
    }
    while b < n && works(st, b) {
        b += 1;
    }
    let mut pa: Vec<u32> = st.loc[li * n..(li + 1) * n].to_vec();
    let mut pb: Vec<u32> = st.loc[lj * n..(lj + 1) * n].to_vec();
    if pa[a..b] == pb[a..b] {
        return false;
    }
    for t in a..b {
        std::mem::swap(&mut pa[t], &mut pb[t]);
    }
    if !plan_fits(st, li, &pa) || !plan_fits(st, lj, &pb) {
        return false;
    }
    for t in a..b {
        st.set(li, t, NONE);
        st.set(lj, t, NONE);
    }
    for t in a..b {
        if pa[t] != NONE {
            st.set(li, t, pa[t]);
        }
        if pb[t] != NONE {
            st.set(lj, t, pb[t]);
        }
    }
    st.relaxed || st.feasible()
}
