//! From-scratch checks of a search state, for the full-assert mode and the tests: every
//! hard rule re-derived from the locations alone, and the score recomputed.

use super::state::State;

/// Every hard rule the state breaks, in words (empty when feasible). A relaxed state
/// ([`State::relaxed`]) is checked for the per-team rules only: it may break the
/// coupled ones, whose breach count [`State::breaches`] is checked by
/// [`State::recompute_from_scratch`].
pub fn rule_breaches(st: &State) -> Vec<String> {
    let ctx = st.ctx;
    let inst = ctx.inst;
    let n = ctx.slots;
    let mut out = Vec::new();
    let mut runs = Vec::new();
    for (li, &k) in st.teams.iter().enumerate() {
        let team = &inst.teams()[k];
        let rules = inst.rules_of(k);
        st.shifts_of(li, &mut runs);
        let mut worked = 0;
        for (j, &(a, b)) in runs.iter().enumerate() {
            worked += b - a;
            if b - a < rules.min_shift_slots || b - a > rules.max_shift_slots {
                out.push(format!(
                    "team {}: shift {a}..{b} has length {}",
                    team.id,
                    b - a
                ));
            }
            if j > 0 && a < runs[j - 1].1 + rules.min_rest_slots {
                out.push(format!(
                    "team {}: rest before shift at {a} too short",
                    team.id
                ));
            }
            for s in a..b {
                let l = st.at(li, s);
                if !team.is_available(s) {
                    out.push(format!("team {}: works in unavailable slot {s}", team.id));
                }
                if ctx.reach(k).binary_search(&l).is_err() {
                    out.push(format!(
                        "team {}: location {l} out of reach in slot {s}",
                        team.id
                    ));
                }
                if s > a && !ctx.hop_ok(k, st.at(li, s - 1), l) {
                    out.push(format!("team {}: hop into slot {s} too long", team.id));
                }
            }
        }
        if worked > rules.max_work_slots {
            out.push(format!("team {}: works {worked} slots", team.id));
        }
        if worked != st.worked[li] as usize {
            out.push(format!(
                "team {}: worked count {} != {worked}",
                team.id, st.worked[li]
            ));
        }
    }
    if st.relaxed {
        return out;
    }
    // The state's own regions and posts (another component's are not its to keep).
    for &r in st.regions() {
        for s in 0..n {
            let i = r as usize * n + s;
            let (cnt, pro) = (st.patrols(r, s), st.professionals(r, s));
            if cnt < ctx.req[i] {
                out.push(format!(
                    "region {} slot {s}: {} < min_patrol {}",
                    inst.regions()[r as usize].id,
                    cnt,
                    ctx.req[i]
                ));
            }
            if ctx.escort && cnt > pro && pro == 0 {
                out.push(format!(
                    "region {} slot {s}: volunteers without escort",
                    inst.regions()[r as usize].id
                ));
            }
        }
    }
    for &p in st.posts() {
        for s in 0..n {
            if st.occupancy(p, s) > ctx.capacity[p as usize] {
                out.push(format!(
                    "post {} slot {s}: over capacity",
                    inst.posts()[p as usize].id
                ));
            }
        }
    }
    out
}

/// Panics when the incremental bookkeeping of `st` differs from a recomputation, or a
/// hard rule is broken. Used every N moves in full-assert mode.
pub fn assert_consistent(st: &State, context: &str) {
    let mut fresh = st.clone();
    let diff = fresh.recompute_from_scratch();
    let scale = st.score.total().abs().max(1.0);
    assert!(
        diff <= 1e-7 * scale,
        "{context}: incremental score {} differs from recomputation {} (diff {diff})",
        st.score.total(),
        fresh.score.total()
    );
    let breaches = rule_breaches(st);
    assert!(
        breaches.is_empty(),
        "{context}: hard rules broken: {breaches:?}"
    );
}
