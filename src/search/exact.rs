//! The exact best plan of one team over the whole horizon given every other team: a
//! dynamic programme whose states carry the location, the current shift's length, the
//! rest since the last shift and the work used. Its size is slots x (rest + locations x
//! longest shift) x (work limit + 1), so it is used only when that is small.

use super::context::NONE;
use super::state::State;

/// Largest programme used for a patrol team (they are many, and presence saturates).
pub const MAX_PATROL_STATES: usize = 60_000;
/// Largest programme used for a mobile team (measured on nanjing: 2 M states made the
/// moves too slow to pay off within 10 s).
pub const MAX_MOBILE_STATES: usize = 60_000;

/// Whether the exact programme of local team `li` is small enough to run as a move.
pub fn affordable(st: &State, li: usize) -> bool {
    let limit = if st.ctx.patrol[st.teams[li]] {
        MAX_PATROL_STATES
    } else {
        MAX_MOBILE_STATES
    };
    size(st, li) <= limit
}

/// Number of programme states for local team `li` (to decide whether to use it).
pub fn size(st: &State, li: usize) -> usize {
    let k = st.teams[li];
    let r = st.ctx.inst.rules_of(k);
    let ns = r.min_rest_slots + 1 + st.ctx.reach(k).len() * r.max_shift_slots;
    st.ctx
        .slots
        .saturating_mul(ns)
        .saturating_mul(r.max_work_slots.min(st.ctx.slots) + 1)
}

/// The best plan of local team `li` (which must be off everywhere), honouring `forced`
/// (per slot a location the team must take, or [`NONE`]); returns its value and the
/// location per slot ([`NONE`] when off). `None` when no plan keeps the rules.
pub fn best_plan(st: &State, li: usize, forced: &[u32]) -> Option<(f64, Vec<u32>)> {
    best_plan_with(st, li, forced, None)
}

/// [`best_plan`] for a professional patrol team that a volunteer (`follower`, global
/// index) may join: each location-slot where the volunteer is available and no other
/// professional stands is worth, besides the team's own gain, what the volunteer would
/// add there beside it. The value returned includes these bonuses.
pub fn best_plan_with(
    st: &State,
    li: usize,
    forced: &[u32],
    follower: Option<usize>,
) -> Option<(f64, Vec<u32>)> {
    let ctx = st.ctx;
    let k = st.teams[li];
    let rules = ctx.inst.rules_of(k);
    let reach = ctx.reach(k);
    let n = ctx.slots;
    let rest = rules.min_rest_slots;
    let max_len = rules.max_shift_slots;
    let w_max = rules.max_work_slots.min(n);
    let ns = rest + 1 + reach.len() * max_len;
    let total = ns * (w_max + 1);
    let on = |l: usize, t: usize| rest + 1 + l * max_len + (t - 1);
    let mut pos = vec![NONE; ctx.inst.regions().len().max(ctx.inst.posts().len())];
    for (i, &l) in reach.iter().enumerate() {
        pos[l as usize] = i as u32;
    }
    const NEG: f64 = f64::NEG_INFINITY;
    let mut cur = vec![NEG; total];
    let mut nxt = vec![NEG; total];
    let mut back = vec![u32::MAX; n * total];
    cur[rest] = 0.0; // off and free to start, no work used
    for s in 0..n {
        nxt.iter_mut().for_each(|v| *v = NEG);
        let avail = ctx.avail_from(k, s) > 0;
        let f = forced.get(s).copied().unwrap_or(NONE);
        let gains: Vec<f64> = reach
            .iter()
            .map(|&l| {
                if avail && (f == NONE || f == l) && st.may_enter(k, l, s) {
                    st.gain(k, l, s) + follower.map_or(0.0, |kv| follower_bonus(st, k, kv, l, s))
                } else {
                    NEG
                }
            })
            .collect();
        let b = &mut back[s * total..(s + 1) * total];
        let mut relax = |nxt: &mut Vec<f64>, to: usize, v: f64, from: usize| {
            if v > nxt[to] {
                nxt[to] = v;
                b[to] = from as u32;
            }
        };
        for w in 0..=w_max {
            let base = w * ns;
            for r in 0..=rest {
                let v = cur[base + r];
                if v == NEG {
                    continue;
                }
                if f == NONE {
                    relax(&mut nxt, base + (r + 1).min(rest), v, base + r);
                }
                if r == rest && w < w_max {
                    for (li2, &g) in gains.iter().enumerate() {
                        if g > NEG {
                            relax(&mut nxt, (w + 1) * ns + on(li2, 1), v + g, base + r);
                        }
                    }
                }
            }
            for (la, &l) in reach.iter().enumerate() {
                for t in 1..=max_len {
                    let v = cur[base + on(la, t)];
                    if v == NEG {
                        continue;
                    }
                    if t >= rules.min_shift_slots && f == NONE {
                        relax(&mut nxt, base + 1.min(rest), v, base + on(la, t));
                    }
                    if t < max_len && w < w_max {
                        for &l2 in ctx.hop(k, l) {
                            let lb = pos[l2 as usize];
                            if lb != NONE && gains[lb as usize] > NEG {
                                let to = (w + 1) * ns + on(lb as usize, t + 1);
                                relax(&mut nxt, to, v + gains[lb as usize], base + on(la, t));
                            }
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut cur, &mut nxt);
    }
    let mut best = (NEG, usize::MAX);
    for w in 0..=w_max {
        for m in 0..ns {
            let ok_end = m <= rest || (m - rest - 1) % max_len + 1 >= rules.min_shift_slots;
            let v = cur[w * ns + m];
            if ok_end && v > best.0 {
                best = (v, w * ns + m);
            }
        }
    }
    if best.0 == NEG {
        return None;
    }
    let mut plan = vec![NONE; n];
    let mut state = best.1;
    for s in (0..n).rev() {
        let m = state % ns;
        if m > rest {
            plan[s] = reach[(m - rest - 1) / max_len];
        }
        state = back[s * total + state] as usize;
    }
    Some((best.0, plan))
}

/// What volunteer `kv` would add beside professional `k` at region `l` in slot `s`, when
/// it is available then, can reach `l` and no other professional stands there.
fn follower_bonus(st: &State, k: usize, kv: usize, l: u32, s: usize) -> f64 {
    let ctx = st.ctx;
    let i = l as usize * ctx.slots + s;
    if ctx.avail_from(kv, s) == 0
        || ctx.reach(kv).binary_search(&l).is_err()
        || st.professionals(l, s) > 0
    {
        return 0.0;
    }
    let p = st.presence(l, s) + ctx.eff[k];
    ctx.inst.weights()[i] * (ctx.g(p + ctx.eff[kv]) - ctx.g(p))
}
