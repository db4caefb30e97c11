//! Compound moves that change two teams in one step (one accept or roll back), for
//! the changes no single-team move can make while the coupled rules hold:
//!
//! - hand-over: another patrol team takes a region-slot that team A holds (a short
//!   ejection chain: B's shift is rerouted, or a new one drawn, through the region at
//!   that slot), then A is planned again, free of what it held: how a requirement moves
//!   from a professional to a volunteer so that the professional can go where it is
//!   worth more;
//! - swap plans: two teams of the same kind exchange their whole plans (they may differ
//!   in effectiveness, reach, availability and rules, so the exchange changes the score).
//!
//! In strict mode a state keeps every coupled rule before the move, so the move is
//! legal exactly when it leaves no breach ([`State::breaches`] is zero).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::context::NONE;
use super::exact;
use super::moves::{replan_exact, reroute_run};
use super::ops::{free_gap, max_new_len, remove_run, Scratch};
use super::path::{place, PathSpec};
use super::state::State;

/// Random teams drawn when looking for one that can take a region-slot over.
const HANDOVER_TRIES: usize = 24;

/// Another patrol team takes a location-slot that patrol team `li` holds (preferably
/// one where `li` is needed), then `li` is planned again. False when nothing fits.
pub fn handover(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    if !ctx.patrol[st.teams[li]] || st.worked[li] == 0 {
        return false;
    }
    // A slot where the team works, first one where it is needed, from a random start.
    let s0 = rng.random_range(0..n);
    let worked = (0..n)
        .map(|d| (s0 + d) % n)
        .filter(|&s| st.at(li, s) != NONE);
    let mut s = NONE as usize;
    for t in worked {
        if s == NONE as usize {
            s = t;
        }
        let i = st.at(li, t) as usize * n + t;
        if ctx.req[i] > 0 {
            s = t;
            break;
        }
    }
    let l = st.at(li, s);
    // A random team that can take it (sampled: scanning every team costs too much on
    // large components).
    let fits = |lj: usize| {
        let kj = st.teams[lj];
        lj != li
            && ctx.patrol[kj]
            && ctx.avail_from(kj, s) > 0
            && st.at(lj, s) != l
            && ctx.reach(kj).binary_search(&l).is_ok()
    };
    let nt = st.teams.len();
    let Some(lj) = (0..HANDOVER_TRIES)
        .map(|_| rng.random_range(0..nt))
        .find(|&lj| fits(lj))
    else {
        return false;
    };
    if !take_over(st, sc, rng, lj, l, s) {
        return false;
    }
    // A is free of the slot: plan it again.
    if exact::affordable(st, li) {
        return replan_exact(st, sc, li);
    }
    st.shifts_of(li, &mut sc.runs);
    match sc.runs.iter().copied().find(|&(a, b)| (a..b).contains(&s)) {
        Some((a, b)) => reroute_run(st, sc, li, a, b),
        None => true,
    }
}

/// Puts local patrol team `lj` at `l` in slot `s`: its shift through `s` is rerouted
/// with `l` forced there, or a new shift of random length is drawn around `s`.
fn take_over(
    st: &mut State,
    sc: &mut Scratch,
    rng: &mut ChaCha8Rng,
    lj: usize,
    l: u32,
    s: usize,
) -> bool {
    let ctx = st.ctx;
    let kj = st.teams[lj];
    let rules = ctx.inst.rules_of(kj);
    let (a, len) = if st.at(lj, s) != NONE {
        st.shifts_of(lj, &mut sc.runs);
        let Some((a, b)) = sc.runs.iter().copied().find(|&(a, b)| (a..b).contains(&s)) else {
            return false;
        };
        let mut forced = std::mem::take(&mut sc.forced);
        remove_run(st, lj, a, b, &mut forced);
        let ok = forced[s - a] == NONE || forced[s - a] == l;
        forced[s - a] = l;
        sc.saved.clear();
        sc.saved.extend_from_slice(&forced);
        sc.forced = forced;
        if !ok {
            return false;
        }
        (a, b - a)
    } else {
        let (lo, hi) = free_gap(st, lj, s, s + 1);
        let max_len = max_new_len(st, lj).min(hi.saturating_sub(lo));
        if s < lo || s >= hi || max_len < rules.min_shift_slots {
            return false;
        }
        let len = rng.random_range(rules.min_shift_slots..=max_len);
        let first = lo.max((s + 1).saturating_sub(len));
        let last = s.min(hi - len);
        if first > last {
            return false;
        }
        let a = rng.random_range(first..=last);
        if ctx.avail_from(kj, a) < len {
            return false;
        }
        sc.saved.clear();
        sc.saved.resize(len, NONE);
        sc.saved[s - a] = l;
        (a, len)
    };
    let forced = std::mem::take(&mut sc.saved);
    let spec = PathSpec {
        li: lj,
        start: a,
        len,
        prev: NONE,
        next: NONE,
        forced: &forced,
    };
    let found = sc.path.best(st, &spec).is_some();
    sc.saved = forced;
    if found {
        place(st, lj, a, &sc.path.path);
    }
    found
}

/// Local team `li` and a random other team of the same kind exchange their whole
/// plans. False when either plan breaks a rule of the other team (per-team rules, or in
/// strict mode a coupled one).
pub fn swap_plans(st: &mut State, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    let patrol = ctx.patrol[st.teams[li]];
    let nt = st.teams.len();
    let Some(lj) = (0..HANDOVER_TRIES)
        .map(|_| rng.random_range(0..nt))
        .find(|&lj| {
            lj != li
                && ctx.patrol[st.teams[lj]] == patrol
                && (st.worked[lj] > 0 || st.worked[li] > 0)
        })
    else {
        return false;
    };
    let a: Vec<u32> = st.loc[li * n..(li + 1) * n].to_vec();
    let b: Vec<u32> = st.loc[lj * n..(lj + 1) * n].to_vec();
    if a == b || !plan_fits(st, li, &b) || !plan_fits(st, lj, &a) {
        return false;
    }
    for s in 0..n {
        st.set(li, s, NONE);
        st.set(lj, s, NONE);
    }
    for s in 0..n {
        if b[s] != NONE {
            st.set(li, s, b[s]);
        }
        if a[s] != NONE {
            st.set(lj, s, a[s]);
        }
    }
    st.relaxed || st.feasible()
}

/// Whether `plan` (a location per slot, [`NONE`] when off) keeps every per-team rule
/// of local team `li`: availability, reach, shift length, rest, work limit, hop.
pub fn plan_fits(st: &State, li: usize, plan: &[u32]) -> bool {
    let ctx = st.ctx;
    let k = st.teams[li];
    let rules = ctx.inst.rules_of(k);
    let reach = ctx.reach(k);
    let mut worked = 0;
    let mut last_end: Option<usize> = None;
    let mut s = 0;
    while s < plan.len() {
        if plan[s] == NONE {
            s += 1;
            continue;
        }
        let a = s;
        while s < plan.len() && plan[s] != NONE {
            let l = plan[s];
            if ctx.avail_from(k, s) == 0
                || reach.binary_search(&l).is_err()
                || (s > a && !ctx.hop_ok(k, plan[s - 1], l))
            {
                return false;
            }
            s += 1;
        }
        let len = s - a;
        if len < rules.min_shift_slots
            || len > rules.max_shift_slots
            || last_end.is_some_and(|e| a < e + rules.min_rest_slots)
        {
            return false;
        }
        worked += len;
        last_end = Some(s);
    }
    worked <= rules.max_work_slots
}
