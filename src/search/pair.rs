//! Joint moves of a volunteer and a professional escorting it. Single-team moves cannot
//! move such a pair to a better region: the professional may not leave the volunteer
//! alone, and the volunteer may not go where no professional stands. These moves change
//! both teams in one step (one accept/reject, rolled back through the state's journal).
//!
//! - escort reroute: the best joint route of the pair over a window of the volunteer's
//!   shift, both teams keeping their on/off pattern (a programme over location pairs);
//! - escort insert: a new shift for the volunteer (or one of its shifts moved to a new
//!   window), routed jointly with a professional already working then;
//! - pair replan: drop the volunteer's shifts, plan the professional again (drawn
//!   towards where the volunteer would add value), then the volunteer, then the
//!   professional once more given the volunteer.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::context::NONE;
use super::exact;
use super::moves::replan;
use super::ops::{free_gap, insert_anywhere, max_new_len, remove_run, Scratch};
use super::state::State;

/// Largest number of location pairs per slot the escort reroute enumerates; wider
/// windows (many reachable regions for both teams) are skipped, as too slow to pay off.
const MAX_PAIRS: usize = 2_500;

/// A team that is off in a slot (readability alias of [`NONE`]).
const OFF: u32 = NONE;

/// Reusable buffers of the pair moves.
#[derive(Debug, Clone)]
pub struct PairScratch {
    forced_v: Vec<u32>,
    forced_p: Vec<u32>,
    on_p: Vec<bool>,
    off: Vec<usize>,
    pairs: Vec<(u32, u32)>,
    val: Vec<f64>,
    back: Vec<u32>,
    /// When set, the pair must stand in this region wherever it is free to choose (a
    /// kick: the pair moves somewhere worse so that others can follow).
    target: u32,
}

impl Default for PairScratch {
    fn default() -> Self {
        PairScratch {
            forced_v: Vec::new(),
            forced_p: Vec::new(),
            on_p: Vec::new(),
            off: Vec::new(),
            pairs: Vec::new(),
            val: Vec::new(),
            back: Vec::new(),
            target: NONE,
        }
    }
}

/// A professional patrol team (local index) escorting local volunteer `v` in a random
/// slot of `[a, b)`, or `None` when it has none there.
fn escort_of(st: &State, rng: &mut ChaCha8Rng, v: usize, a: usize, b: usize) -> Option<usize> {
    let ctx = st.ctx;
    let s0 = rng.random_range(a..b);
    for d in 0..b - a {
        let s = a + (s0 - a + d) % (b - a);
        let l = st.at(v, s);
        if l == NONE {
            continue;
        }
        let found: Vec<usize> = (0..st.teams.len())
            .filter(|&lj| {
                let k = st.teams[lj];
                ctx.patrol[k] && !ctx.volunteer[k] && st.at(lj, s) == l
            })
            .collect();
        if !found.is_empty() {
            return Some(found[rng.random_range(0..found.len())]);
        }
    }
    None
}

/// Value of putting patrol team `kp` at `lp` and volunteer `kv` at `lv` in slot `s`
/// (either may be [`OFF`]), neither counted yet.
fn pair_gain(st: &State, kp: usize, lp: u32, kv: usize, lv: u32, s: usize) -> f64 {
    let ctx = st.ctx;
    if lp != OFF && lp == lv {
        let i = lp as usize * ctx.slots + s;
        let p = st.presence(lp, s);
        return ctx.inst.weights()[i] * (ctx.g(p + ctx.eff[kp] + ctx.eff[kv]) - ctx.g(p));
    }
    let gp = if lp == OFF { 0.0 } else { st.gain(kp, lp, s) };
    let gv = if lv == OFF { 0.0 } else { st.gain(kv, lv, s) };
    gp + gv
}

/// Reroutes local volunteer `v` and one of its escorts together over a random window of
/// one of the volunteer's shifts: the best pair of routes given everyone else, both
/// teams keeping their on/off pattern and their forced locations. False when `v` has no
/// escorted shift or the window is too wide (the caller rolls back).
pub fn escort_reroute(
    st: &mut State,
    sc: &mut Scratch,
    ps: &mut PairScratch,
    rng: &mut ChaCha8Rng,
    v: usize,
) -> bool {
    st.shifts_of(v, &mut sc.runs);
    if sc.runs.is_empty() {
        return false;
    }
    let (a, b) = sc.runs[rng.random_range(0..sc.runs.len())];
    let (a, b) = if b - a > 2 && rng.random_bool(0.3) {
        let x = rng.random_range(a..b);
        let y = rng.random_range(a..b);
        (x.min(y), x.max(y) + 1)
    } else {
        (a, b)
    };
    let Some(p) = escort_of(st, rng, v, a, b) else {
        return false;
    };
    let reach_v = st.ctx.reach(st.teams[v]);
    ps.target = if rng.random_bool(0.3) {
        reach_v[rng.random_range(0..reach_v.len())]
    } else {
        NONE
    };
    let ok = joint_route(st, sc, ps, v, p, a, b);
    ps.target = NONE;
    ok
}

/// Gives local volunteer `v` a new shift (half the time in place of one of its shifts)
/// beside a professional already working then:
/// a random window of its availability that keeps its rules, routed jointly with a
/// random professional working at the window's start within the volunteer's reach
/// (the volunteer has no escort to join otherwise: single-team insertion finds none
/// where the professionals stand elsewhere). False when nothing fits.
pub fn escort_insert(
    st: &mut State,
    sc: &mut Scratch,
    ps: &mut PairScratch,
    rng: &mut ChaCha8Rng,
    v: usize,
) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    let kv = st.teams[v];
    let rules = ctx.inst.rules_of(kv);
    st.shifts_of(v, &mut sc.runs);
    if !sc.runs.is_empty() && rng.random_bool(0.5) {
        // Retime: the volunteer leaves one of its shifts first.
        let (a, b) = sc.runs[rng.random_range(0..sc.runs.len())];
        if !(a..b).all(|s| st.may_leave(v, s)) {
            return false;
        }
        for s in a..b {
            st.set(v, s, NONE);
        }
    }
    let max_len = max_new_len(st, v);
    if max_len < rules.min_shift_slots {
        return false;
    }
    let a = rng.random_range(0..n);
    let room = ctx.avail_from(kv, a).min(max_len);
    if room < rules.min_shift_slots || st.at(v, a) != NONE {
        return false;
    }
    let len = rng.random_range(rules.min_shift_slots..=room);
    let b = a + len;
    let (lo, hi) = free_gap(st, v, a, a + 1);
    // Adjacent shifts would merge into one (rest 0): the length rule would not hold.
    let touches = (a > 0 && st.at(v, a - 1) != NONE) || (b < n && st.at(v, b) != NONE);
    if a < lo || b > hi || touches || (a..b).any(|s| st.at(v, s) != NONE) {
        return false;
    }
    let reach_v = ctx.reach(kv);
    let found: Vec<usize> = (0..st.teams.len())
        .filter(|&lj| {
            let k = st.teams[lj];
            let l = st.at(lj, a);
            ctx.patrol[k] && !ctx.volunteer[k] && l != NONE && reach_v.binary_search(&l).is_ok()
        })
        .collect();
    if found.is_empty() {
        return false;
    }
    let p = found[rng.random_range(0..found.len())];
    joint_route(st, sc, ps, v, p, a, b)
}

/// The best joint route of local volunteer `v` and local professional `p` over
/// `[a, b)`, in which the volunteer works throughout (its shift, or a new one when it is
/// off there) and the professional keeps its on/off pattern.
fn joint_route(
    st: &mut State,
    sc: &mut Scratch,
    ps: &mut PairScratch,
    v: usize,
    p: usize,
    a: usize,
    b: usize,
) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    let (kv, kp) = (st.teams[v], st.teams[p]);
    let edge = |st: &State, li: usize| {
        (
            if a > 0 { st.at(li, a - 1) } else { OFF },
            if b < n { st.at(li, b) } else { OFF },
        )
    };
    let (prev_v, next_v) = edge(st, v);
    let (prev_p, next_p) = edge(st, p);
    ps.on_p.clear();
    ps.on_p.extend((a..b).map(|s| st.at(p, s) != OFF));
    // The volunteer leaves first, so that the professional is forced only where a
    // requirement or another volunteer needs it.
    remove_run(st, v, a, b, &mut ps.forced_v);
    remove_run(st, p, a, b, &mut ps.forced_p);
    ps.off.clear();
    ps.pairs.clear();
    ps.val.clear();
    ps.back.clear();
    let (reach_p, reach_v) = (ctx.reach(kp), ctx.reach(kv));
    for i in 0..b - a {
        let s = a + i;
        let first = ps.pairs.len();
        ps.off.push(first);
        let fp = ps.forced_p[i];
        let fv = ps.forced_v[i];
        let lps: &[u32] = if !ps.on_p[i] {
            &[OFF]
        } else if fp != OFF {
            std::slice::from_ref(&ps.forced_p[i])
        } else if ps.target != NONE {
            if reach_p.binary_search(&ps.target).is_err() {
                return false;
            }
            std::slice::from_ref(&ps.target)
        } else {
            reach_p
        };
        let lvs: &[u32] = if fv != OFF {
            std::slice::from_ref(&ps.forced_v[i])
        } else if ps.target != NONE {
            std::slice::from_ref(&ps.target)
        } else {
            reach_v
        };
        if lps.len() * lvs.len() > MAX_PAIRS {
            return false;
        }
        for &lp in lps {
            for &lv in lvs {
                if lv != lp && !st.may_enter(kv, lv, s) {
                    continue;
                }
                let g = pair_gain(st, kp, lp, kv, lv, s);
                let (mut best, mut from) = (f64::NEG_INFINITY, NONE);
                if i == 0 {
                    let ok = (prev_p == OFF || lp == OFF || ctx.hop_ok(kp, prev_p, lp))
                        && (prev_v == OFF || ctx.hop_ok(kv, prev_v, lv));
                    if ok {
                        best = 0.0;
                    }
                } else {
                    for c in ps.off[i - 1]..first {
                        let (qp, qv) = ps.pairs[c];
                        let x = ps.val[c];
                        if x > best
                            && (qp == OFF || lp == OFF || ctx.hop_ok(kp, qp, lp))
                            && ctx.hop_ok(kv, qv, lv)
                        {
                            best = x;
                            from = c as u32;
                        }
                    }
                }
                if i + 1 == b - a {
                    let ok = (next_p == OFF || lp == OFF || ctx.hop_ok(kp, lp, next_p))
                        && (next_v == OFF || ctx.hop_ok(kv, lv, next_v));
                    if !ok {
                        best = f64::NEG_INFINITY;
                    }
                }
                if best > f64::NEG_INFINITY {
                    ps.pairs.push((lp, lv));
                    ps.val.push(best + g);
                    ps.back.push(from);
                }
            }
        }
        if ps.pairs.len() == first {
            return false;
        }
    }
    let last = *ps.off.last().unwrap();
    let mut c = last;
    for j in last..ps.pairs.len() {
        if ps.val[j] > ps.val[c] {
            c = j;
        }
    }
    // Walk back, then place the professional first: the volunteer needs it in place.
    let mut route = std::mem::take(&mut sc.saved);
    route.clear();
    route.resize(2 * (b - a), OFF);
    let mut cur = c as u32;
    for i in (0..b - a).rev() {
        let (lp, lv) = ps.pairs[cur as usize];
        route[2 * i] = lp;
        route[2 * i + 1] = lv;
        cur = ps.back[cur as usize];
    }
    for i in 0..b - a {
        st.set(p, a + i, route[2 * i]);
    }
    for i in 0..b - a {
        st.set(v, a + i, route[2 * i + 1]);
    }
    sc.saved = route;
    true
}

/// Replans local volunteer `v` together with one of its escorts: the volunteer's shifts
/// are dropped, the professional is planned again (exactly, with a bonus where the
/// volunteer could join it, when its programme is small; otherwise as in
/// [`replan`]), the volunteer is planned given the new escorts, and the professional
/// once more given the volunteer (it must stay where it escorts).
pub fn replan_pair(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, v: usize) -> bool {
    let n = st.ctx.slots;
    if st.worked[v] == 0 {
        return false;
    }
    let Some(p) = escort_of(st, rng, v, 0, n) else {
        return false;
    };
    st.shifts_of(v, &mut sc.runs);
    let runs = std::mem::take(&mut sc.runs);
    for &(a, b) in &runs {
        if (a..b).all(|s| st.may_leave(v, s)) {
            for s in a..b {
                st.set(v, s, NONE);
            }
        }
    }
    sc.runs = runs;
    let exact_p = exact::affordable(st, p);
    let placed = if exact_p {
        let mut forced = std::mem::take(&mut sc.forced);
        remove_run(st, p, 0, n, &mut forced);
        let plan = exact::best_plan_with(st, p, &forced, Some(st.teams[v]));
        sc.forced = forced;
        match plan {
            Some((_, plan)) => {
                for (s, &l) in plan.iter().enumerate() {
                    if l != NONE {
                        st.set(p, s, l);
                    }
                }
                true
            }
            None => false,
        }
    } else {
        replan(st, sc, rng, p)
    };
    if !placed {
        return false;
    }
    if exact::affordable(st, v) {
        if !super::moves::replan_exact(st, sc, v) {
            return false;
        }
    } else {
        while insert_anywhere(st, sc, v).is_some() {}
    }
    if exact_p {
        return super::moves::replan_exact(st, sc, p);
    }
    true
}

/// After a pair move, lets up to three other professionals (drawn at random) and then
/// the volunteer take their exact best responses, in the same move: a pair that moved
/// may free another professional from a requirement or an escort, whose best plan
/// changes completely. Only when every programme involved is small.
pub fn settle(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, v: usize) -> bool {
    let ctx = st.ctx;
    if !exact::affordable(st, v) {
        return true;
    }
    let pros: Vec<usize> = (0..st.teams.len())
        .filter(|&lj| {
            let k = st.teams[lj];
            ctx.patrol[k] && !ctx.volunteer[k] && exact::affordable(st, lj)
        })
        .collect();
    if pros.is_empty() {
        return true;
    }
    for _ in 0..3.min(pros.len()) {
        let lj = pros[rng.random_range(0..pros.len())];
        if !super::moves::replan_exact(st, sc, lj) {
            return false;
        }
    }
    super::moves::replan_exact(st, sc, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use crate::search::check::assert_consistent;
    use crate::search::construct::construct;
    use crate::search::context::Context;
    use rand::SeedableRng;

    /// Every pair move, accepted or rolled back, leaves a state that keeps every hard
    /// rule and whose incremental score matches a recomputation.
    #[test]
    fn pair_moves_keep_every_rule() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/small.json"))
            .expect("data/small.json");
        let inst = Instance::from_json(&text).unwrap();
        let ctx = Context::new(&inst);
        let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
        let mut sc = Scratch::default();
        construct(&mut st, &mut sc, &crate::search::stop::AnyOf::default()).expect("construction");
        let vols: Vec<usize> = (0..st.teams.len())
            .filter(|&li| ctx.volunteer[st.teams[li]])
            .collect();
        assert!(!vols.is_empty());
        let mut ps = PairScratch::default();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut applied = 0;
        for it in 0..600 {
            let v = vols[rng.random_range(0..vols.len())];
            let before = st.score;
            st.begin();
            let ok = match it % 3 {
                0 => escort_reroute(&mut st, &mut sc, &mut ps, &mut rng, v),
                1 => escort_insert(&mut st, &mut sc, &mut ps, &mut rng, v),
                _ => replan_pair(&mut st, &mut sc, &mut rng, v),
            } && settle(&mut st, &mut sc, &mut rng, v);
            if ok && st.score.total() >= before.total() - 1e-9 {
                applied += 1;
                st.commit();
            } else {
                st.rollback(before);
            }
            assert_consistent(&st, &format!("after pair move {it}"));
        }
        assert!(applied > 0, "no pair move applied");
    }
}
