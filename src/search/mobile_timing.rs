//! Which slots a mobile team works: its whole plan taken out and its shift timing
//! chosen again by one dynamic programme over (slot, work used) when free to start a
//! shift, each slot worth the team's best post then given every other team (the cover
//! it would add there).
//!
//! Why: a mobile team's exact best response (`replan`'s programme with locations) is
//! far too large at city scale (nanjing: about 3 M states a team: 16 posts x 12-slot
//! shifts x 49 work levels x 168 slots), so mobile teams were replanned greedily, a
//! shift at a time. Leaving the location out (168 x 49 states, a few shift lengths
//! each: well under a millisecond) is exact whenever the hop rule does not bind
//! between the best posts of consecutive slots (on nanjing 122 of 27,798 post pairs
//! within a team's reach break it); a shift whose best posts do break it is routed
//! again by the route programme, which keeps the hop rule and is the best route for
//! that timing.

use std::cell::RefCell;

use super::context::NONE;
use super::moves::reroute_run;
use super::ops::Scratch;
use super::state::State;

/// Largest programme (slots x work levels) run as a move.
pub const MAX_TIMING_STATES: usize = 1_000_000;

/// Reusable buffers (one set per thread: no allocation per move).
#[derive(Debug, Default)]
struct Buffers {
    /// Per slot: the team's best post and its value (`NEG`: it cannot work then).
    post: Vec<u32>,
    /// Prefix sums of the values (`prefix[s]` = sum of slots `< s`).
    prefix: Vec<f64>,
    /// Per slot: consecutive workable slots from it on.
    run: Vec<usize>,
    /// `s * levels + w`: best value from slot `s` on, free to start a shift, `w` worked.
    best: Vec<f64>,
    /// `s * levels + w`: the shift length started at `s` there (0: `s` stays off).
    choice: Vec<u16>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

const NEG: f64 = f64::NEG_INFINITY;

/// Takes local mobile team `li`'s whole plan out and plans it again by the timing
/// programme (see the module doc): over states (slot, work used), free to start a
/// shift, either the slot stays off or a shift of every allowed length starts there
/// (worth the sum of its slots' values) and the team is free again after its rest.
/// False when `li` is a patrol team, its programme is larger than
/// [`MAX_TIMING_STATES`], or no plan keeps its rules (the caller rolls back).
pub fn mobile_retime(st: &mut State, sc: &mut Scratch, li: usize) -> bool {
    let ctx = st.ctx;
    let k = st.teams[li];
    if ctx.patrol[k] || ctx.reach(k).is_empty() {
        return false;
    }
    let n = ctx.slots;
    let rules = ctx.inst.rules_of(k);
    let avail = (0..n).filter(|&s| ctx.avail_from(k, s) > 0).count();
    // Work is tracked only when its limit can bind.
    let (limit, levels) = if rules.max_work_slots >= avail {
        (usize::MAX, 1)
    } else {
        (rules.max_work_slots, rules.max_work_slots + 1)
    };
    if (n + 1).saturating_mul(levels) > MAX_TIMING_STATES {
        return false;
    }
    let (min_len, max_len, rest) = (
        rules.min_shift_slots.max(1),
        rules.max_shift_slots.max(1),
        // Shifts are maximal runs: two need at least one idle slot between them.
        rules.min_rest_slots.max(1),
    );
    for s in 0..n {
        st.set(li, s, NONE);
    }
    let plan = BUFFERS.with(|b| {
        let b = &mut *b.borrow_mut();
        // The team's best post and its value in every slot, given everyone else.
        b.post.clear();
        b.prefix.clear();
        b.prefix.push(0.0);
        let mut values = Vec::with_capacity(n);
        for s in 0..n {
            let mut best = (NEG, NONE);
            if ctx.avail_from(k, s) > 0 {
                for &p in ctx.reach(k) {
                    if st.may_enter(k, p, s) {
                        let g = st.gain(k, p, s);
                        if g > best.0 {
                            best = (g, p);
                        }
                    }
                }
            }
            values.push(best.0);
            b.post.push(best.1);
            let last = b.prefix[s];
            b.prefix
                .push(if best.0 > NEG { last + best.0 } else { last });
        }
        b.run.clear();
        b.run.resize(n + 1, 0);
        for s in (0..n).rev() {
            b.run[s] = if values[s] > NEG { b.run[s + 1] + 1 } else { 0 };
        }
        let cells = (n + 1) * levels;
        b.best.clear();
        b.best.resize(cells, NEG);
        b.choice.clear();
        b.choice.resize(cells, 0);
        let work = |w: usize, len: usize| {
            if levels == 1 {
                Some(0)
            } else {
                (w + len <= limit).then_some(w + len)
            }
        };
        for w in 0..levels {
            b.best[n * levels + w] = 0.0;
        }
        for s in (0..n).rev() {
            for w in 0..levels {
                let mut best = (b.best[(s + 1) * levels + w], 0u16);
                for len in min_len..=max_len.min(b.run[s]) {
                    let Some(w1) = work(w, len) else { break };
                    let free = (s + len + rest).min(n);
                    let after = b.best[free * levels + w1];
                    if after == NEG {
                        continue;
                    }
                    let v = b.prefix[s + len] - b.prefix[s] + after;
                    if v > best.0 {
                        best = (v, len as u16);
                    }
                }
                b.best[s * levels + w] = best.0;
                b.choice[s * levels + w] = best.1;
            }
        }
        if b.best[0] == NEG {
            return None;
        }
        let mut plan = vec![NONE; n];
        let (mut s, mut w) = (0, 0);
        while s < n {
            let len = b.choice[s * levels + w] as usize;
            if len == 0 {
                s += 1;
                continue;
            }
            plan[s..s + len].copy_from_slice(&b.post[s..s + len]);
            w = work(w, len).unwrap_or(w);
            s = (s + len + rest).min(n);
        }
        Some(plan)
    });
    let Some(plan) = plan else {
        return false;
    };
    for (s, &p) in plan.iter().enumerate() {
        if p != NONE {
            st.set(li, s, p);
        }
    }
    // A shift whose best posts break the hop rule is routed again (best legal route).
    st.shifts_of(li, &mut sc.runs);
    let runs = std::mem::take(&mut sc.runs);
    let mut ok = true;
    for &(a, b) in &runs {
        let legal = (a + 1..b).all(|s| ctx.hop_ok(k, st.at(li, s - 1), st.at(li, s)));
        if !legal {
            ok &= reroute_run(st, sc, li, a, b);
        }
    }
    sc.runs = runs;
    ok && (st.relaxed || st.feasible())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use crate::search::check::assert_consistent;
    use crate::search::context::Context;
    use crate::search::stop::AnyOf;

    /// On the small preset (mobile teams with 8-12 h stand-by shifts), retiming every
    /// mobile team keeps every rule and the books exact, never loses more than a hop
    /// repair can cost, and improves some teams' plans.
    #[test]
    fn retimed_mobile_plans_keep_every_rule_and_some_improve() {
        let inst = Instance::from_json(include_str!("../../data/small.json")).unwrap();
        let ctx = Context::new(&inst);
        let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
        let mut sc = Scratch::default();
        crate::search::construct::construct(&mut st, &mut sc, &AnyOf::default()).unwrap();
        let mobile: Vec<usize> = (0..st.teams.len())
            .filter(|&li| !ctx.patrol[st.teams[li]])
            .collect();
        assert!(!mobile.is_empty());
        let mut improved = 0;
        for round in 0..3 {
            for &li in &mobile {
                let before = st.score;
                st.begin();
                let ok = mobile_retime(&mut st, &mut sc, li);
                assert!(ok, "round {round}, team {li}: no plan");
                if st.score.total() > before.total() + 1e-9 {
                    improved += 1;
                }
                if st.score.total() + 1e-9 < before.total() {
                    st.rollback(before);
                } else {
                    st.commit();
                }
                assert!(st.feasible());
                assert_consistent(&st, "after mobile_retime");
            }
        }
        assert!(improved > 0, "no mobile team's timing improved");
        let mut schedule = crate::schedule::Schedule::empty(&inst);
        st.write_into(&mut schedule);
        let eval = crate::schedule::evaluate(&inst, &schedule);
        assert!(eval.feasible, "{:?}", eval.violations);
        assert!((eval.objective.total - st.score.total()).abs() < 1e-6);
    }
}
