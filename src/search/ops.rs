//! Team-level operations built on the state and the route programme: find the room a
//! shift may occupy, take a shift out (remembering where the team was needed), and put
//! a new shift in at its best window.

use super::context::NONE;
use super::path::{place, PathScratch, PathSpec};
use super::state::State;

/// Reusable buffers of the team-level operations.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    /// Route programme buffers.
    pub path: PathScratch,
    /// Per slot of a window: forced location or [`NONE`].
    pub forced: Vec<u32>,
    /// Best gain per slot (window scoring).
    best: Vec<f64>,
    /// Prefix sums of `best`.
    prefix: Vec<f64>,
    /// Shift list of one team.
    pub runs: Vec<(usize, usize)>,
    /// A saved route.
    pub saved: Vec<u32>,
    /// Buffers of the joint replan of two teams.
    pub joint: super::joint::JointScratch,
}

/// The widest interval `[lo, hi)` around the off window `[a, b)` of local team `li` in
/// which a shift keeps the rest rule with the team's other shifts.
pub fn free_gap(st: &State, li: usize, a: usize, b: usize) -> (usize, usize) {
    let n = st.ctx.slots;
    let rest = st.ctx.inst.rules_of(st.teams[li]).min_rest_slots;
    let row = &st.loc[li * n..(li + 1) * n];
    let lo = match row[..a].iter().rposition(|&l| l != NONE) {
        Some(e) => e + 1 + rest,
        None => 0,
    };
    let hi = match row[b..].iter().position(|&l| l != NONE) {
        Some(i) => (b + i).saturating_sub(rest),
        None => n,
    };
    (lo, hi.max(lo))
}

/// Takes local team `li` off in `[a, b)`. Fills `forced` (indexed from `a`) with the
/// locations where the team turned out to be needed (a requirement or an escort would
/// break without it); returns how many there are.
pub fn remove_run(st: &mut State, li: usize, a: usize, b: usize, forced: &mut Vec<u32>) -> usize {
    let k = st.teams[li];
    forced.clear();
    let mut count = 0;
    for s in a..b {
        let l = st.at(li, s);
        st.set(li, s, NONE);
        if l != NONE && st.needs(k, l, s) {
            forced.push(l);
            count += 1;
        } else {
            forced.push(NONE);
        }
    }
    count
}

/// Most slots local team `li` may work in one more shift (its work budget and shift
/// length rule).
pub fn max_new_len(st: &State, li: usize) -> usize {
    let r = st.ctx.inst.rules_of(st.teams[li]);
    r.max_shift_slots
        .min(r.max_work_slots.saturating_sub(st.worked[li] as usize))
}

/// The window `(start, len)` inside `[lo, hi)` whose slots promise the most value when
/// each slot is scored by the best location the team may enter then (hop ignored);
/// `None` when no window of a legal length fits the availability.
pub fn best_window(
    st: &State,
    sc: &mut Scratch,
    li: usize,
    lo: usize,
    hi: usize,
) -> Option<(usize, usize, f64)> {
    let ctx = st.ctx;
    let k = st.teams[li];
    let rules = ctx.inst.rules_of(k);
    let (min_len, max_len) = (rules.min_shift_slots, max_new_len(st, li));
    if max_len < min_len || hi < lo + min_len {
        return None;
    }
    sc.best.clear();
    sc.prefix.clear();
    sc.prefix.push(0.0);
    for s in lo..hi {
        let mut b = f64::NEG_INFINITY;
        if ctx.avail_from(k, s) > 0 {
            for &l in ctx.reach(k) {
                if st.may_enter(k, l, s) {
                    b = b.max(st.gain(k, l, s));
                }
            }
        }
        sc.best.push(b);
        // A slot where the team may stand nowhere ends every window (below); it adds 0
        // here so that the sums of the windows after it stay finite. Adding its -inf
        // made every later difference -inf - -inf = NaN, which never wins a comparison:
        // no window after the first such slot (a volunteer's night, a full post) was
        // ever chosen.
        let last = *sc.prefix.last().unwrap();
        sc.prefix.push(last + if b.is_finite() { b } else { 0.0 });
    }
    let mut found = None;
    let mut found_val = f64::NEG_INFINITY;
    for a in lo..=hi - min_len {
        let mut room = ctx.avail_from(k, a).min(hi - a).min(max_len);
        if let Some(blocked) = sc.best[a - lo..a - lo + room]
            .iter()
            .position(|b| !b.is_finite())
        {
            room = blocked;
        }
        for len in min_len..=room {
            let v = sc.prefix[a - lo + len] - sc.prefix[a - lo];
            if v > found_val {
                found_val = v;
                found = Some((a, len, v));
            }
        }
    }
    found
}

/// Puts a new shift for local team `li` at its best window inside `[lo, hi)` (which
/// must keep rest with the team's other shifts) and routes it; returns the value added.
pub fn insert_best(
    st: &mut State,
    sc: &mut Scratch,
    li: usize,
    lo: usize,
    hi: usize,
) -> Option<f64> {
    let (a, len, promise) = best_window(st, sc, li, lo, hi)?;
    if promise <= 0.0 {
        return None;
    }
    route_new(st, sc, li, a, len)
}

/// Routes and places a new shift `[a, a + len)` for local team `li` (off there, and
/// keeping rest with its other shifts); returns its value.
pub fn route_new(st: &mut State, sc: &mut Scratch, li: usize, a: usize, len: usize) -> Option<f64> {
    let spec = PathSpec {
        li,
        start: a,
        len,
        prev: NONE,
        next: NONE,
        forced: &[],
    };
    let v = sc.path.best(st, &spec)?;
    place(st, li, a, &sc.path.path);
    Some(v)
}

/// Inserts, for local team `li`, the best new shift anywhere it fits; returns the value.
pub fn insert_anywhere(st: &mut State, sc: &mut Scratch, li: usize) -> Option<f64> {
    let ctx = st.ctx;
    let k = st.teams[li];
    let rules = ctx.inst.rules_of(k);
    if max_new_len(st, li) < rules.min_shift_slots {
        return None;
    }
    st.shifts_of(li, &mut sc.runs);
    let rest = rules.min_rest_slots;
    let mut gaps: Vec<(usize, usize)> = Vec::with_capacity(sc.runs.len() + 1);
    let mut lo = 0;
    for &(a, b) in &sc.runs {
        if a >= lo + rest {
            gaps.push((lo, a - rest));
        }
        lo = b + rest;
    }
    if lo < ctx.slots {
        gaps.push((lo, ctx.slots));
    }
    let mut best: Option<(usize, usize, f64)> = None;
    for &(g0, g1) in &gaps {
        if let Some(w) = best_window(st, sc, li, g0, g1) {
            match best {
                Some(b) if b.2 >= w.2 => {}
                _ => best = Some(w),
            }
        }
    }
    let (a, len, promise) = best?;
    if promise <= 0.0 {
        return None;
    }
    route_new(st, sc, li, a, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use crate::search::context::Context;

    /// A team unavailable in slot 2 may work slots 0-1 (little risk) or 3-7 (much): the
    /// best window is after the gap. Before the gap was kept out of the sums, every window
    /// after it scored NaN and the worse one before it was chosen.
    #[test]
    fn best_window_looks_past_a_slot_the_team_cannot_work() {
        let json = r#"{"format":"patrolplan.instance.v1","name":"gap",
            "horizon":{"slot_minutes":60,"slots":8},
            "regions":[{"id":"R1","location":[118.78,32.04],"risk":[1,1,0,5,5,5,5,0]}],
            "posts":[{"id":"P1","location":[118.785,32.045]}],
            "shift_rules":{"std":{"min_shift_slots":2,"max_shift_slots":4,"min_rest_slots":1,
                "max_work_slots":8,"max_hop_minutes":15}},
            "teams":[{"id":"T1","kind":"patrol","members":2,"base":"R1","speed_kmh":5,
                "rules":"std","available":[[0,2],[3,8]]}]}"#;
        let inst = Instance::from_json(json).unwrap();
        let ctx = Context::new(&inst);
        let st = State::new(&ctx, vec![0]);
        let mut sc = Scratch::default();
        let (start, len, value) = best_window(&st, &mut sc, 0, 0, 8).expect("a window fits");
        assert!(
            start >= 3,
            "window ({start}, {len}) crosses or precedes the gap"
        );
        assert_eq!(len, 4);
        assert!(value.is_finite() && value > 0.0);
    }
}
