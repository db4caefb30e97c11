//! Joint replan of two patrol teams: both teams' whole plans are taken out and their
//! shift timings chosen together by one dynamic programme over the pair of their shift
//! states (off with the rest served so far, or on with the shift's length so far, and
//! the work used), each slot worth the best joint placement of the teams that work
//! then given everyone else. Locations follow the programme's per-slot choice; a shift
//! whose choice breaks the hop rule is routed again by the route programme, and every
//! shift of both teams is then routed once more given the other (never worse).
//!
//! Why: a team's exact best response (`replan`) sees the others fixed, so the search
//! stops where no single team can retime alone; with concave presence two teams often
//! have to trade hours together (one starts earlier so that the other may end later,
//! both landing the region's presence on whole teams). Shift timing is what the exact
//! replans of single teams cannot change jointly.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::context::NONE;
use super::moves::reroute_run;
use super::ops::Scratch;
use super::state::State;
use crate::model::TeamIdx;

/// Largest joint programme (pair states) run as a move.
pub const MAX_JOINT_STATES: usize = 40_000;
/// Random partners drawn before giving up.
const PARTNER_TRIES: usize = 8;
/// Objective units charged per breach unit in strict mode (where a breach is not
/// allowed at all: the programme then covers every requirement it can).
const STRICT_PENALTY: f64 = 1e6;

/// One team's shift-state machine (location left out).
#[derive(Debug, Clone, Copy)]
struct Machine {
    rest: usize,
    min_len: usize,
    max_len: usize,
    /// Phases: `0..=rest` off (`r` idle slots since the last shift, `rest` = free to
    /// start), then `rest + t` on for `t` in `1..=max_len`.
    phases: usize,
    /// Work limit, or `usize::MAX` when it can never bind (not tracked).
    work: usize,
    levels: usize,
}

impl Machine {
    fn new(st: &State, k: TeamIdx) -> Machine {
        let ctx = st.ctx;
        let r = ctx.inst.rules_of(k);
        let avail = (0..ctx.slots).filter(|&s| ctx.avail_from(k, s) > 0).count();
        let (work, levels) = if r.max_work_slots >= avail {
            (usize::MAX, 1)
        } else {
            (r.max_work_slots, r.max_work_slots + 1)
        };
        Machine {
            rest: r.min_rest_slots,
            min_len: r.min_shift_slots,
            max_len: r.max_shift_slots,
            phases: r.min_rest_slots + 1 + r.max_shift_slots,
            work,
            levels,
        }
    }

    fn states(&self) -> usize {
        self.phases * self.levels
    }

    /// States that may be reached before slot `s` (work used at most `s`): a prefix.
    fn reached(&self, s: usize) -> usize {
        self.phases * self.levels.min(s + 1)
    }

    fn initial(&self) -> usize {
        self.rest
    }

    /// Whether state `x` is on a shift.
    fn on(&self, x: usize) -> bool {
        x % self.phases > self.rest
    }

    /// Whether a plan may end in state `x` (no shift shorter than the minimum).
    fn may_end(&self, x: usize) -> bool {
        let m = x % self.phases;
        m <= self.rest || m - self.rest >= self.min_len
    }

    /// Successors of `x` in a slot (`avail`: the team may work then): the state off
    /// in that slot and the state on a shift in it, each `None` when not allowed.
    fn next(&self, x: usize, avail: bool) -> [Option<usize>; 2] {
        let (w, m) = (x / self.phases, x % self.phases);
        let can_work = avail && (self.levels == 1 || w < self.work);
        let w1 = if self.levels == 1 { 0 } else { w + 1 };
        let base = w * self.phases;
        if m <= self.rest {
            let off = Some(base + (m + 1).min(self.rest));
            let on = (m == self.rest && can_work).then(|| w1 * self.phases + self.rest + 1);
            [off, on]
        } else {
            let t = m - self.rest;
            let off = (t >= self.min_len).then(|| base + 1.min(self.rest));
            let on = (t < self.max_len && can_work).then(|| w1 * self.phases + m + 1);
            [off, on]
        }
    }
}

/// Per slot, the best placements: team A alone, team B alone, both.
#[derive(Debug, Clone, Copy)]
struct SlotChoice {
    a: (f64, u32),
    b: (f64, u32),
    ab: (f64, u32, u32),
}

const NEG: f64 = f64::NEG_INFINITY;

/// Reusable buffers of [`joint_replan`] (no allocation per move).
#[derive(Debug, Default, Clone)]
pub struct JointScratch {
    choices: Vec<SlotChoice>,
    cur: Vec<f64>,
    nxt: Vec<f64>,
    back: Vec<u32>,
    succ_b: Vec<[u32; 2]>,
}

/// A team's penalised gain at `l` in slot `s` (team not counted).
fn single(st: &State, k: TeamIdx, l: u32, s: usize, penalty: f64) -> f64 {
    st.patrol_gain(k, l, s) - penalty * st.breach_delta(k, l, s) as f64
}

fn slot_choice(st: &State, ka: TeamIdx, kb: TeamIdx, s: usize, penalty: f64) -> SlotChoice {
    let ctx = st.ctx;
    let avail_a = ctx.avail_from(ka, s) > 0;
    let avail_b = ctx.avail_from(kb, s) > 0;
    // The two best locations of a team alone.
    let top2 = |k: TeamIdx, avail: bool| {
        let mut b = [(NEG, NONE); 2];
        if avail {
            for &l in ctx.reach(k) {
                let v = single(st, k, l, s, penalty);
                if v > b[0].0 {
                    b[1] = b[0];
                    b[0] = (v, l);
                } else if v > b[1].0 {
                    b[1] = (v, l);
                }
            }
        }
        b
    };
    let a = top2(ka, avail_a);
    let b = top2(kb, avail_b);
    let mut ab = (NEG, NONE, NONE);
    if avail_a && avail_b {
        // Apart: the best pair of different locations is among the top two of each.
        for &(va, la) in &a {
            for &(vb, lb) in &b {
                if la != NONE && lb != NONE && la != lb && va + vb > ab.0 {
                    ab = (va + vb, la, lb);
                }
            }
        }
        // Together: every location both may take.
        let reach_b = ctx.reach(kb);
        for &l in ctx.reach(ka) {
            if reach_b.binary_search(&l).is_ok() {
                let (g, br) = st.patrol_gain_two(ka, kb, l, s);
                let v = g - penalty * br as f64;
                if v > ab.0 {
                    ab = (v, l, l);
                }
            }
        }
    }
    SlotChoice {
        a: a[0],
        b: b[0],
        ab,
    }
}

/// Replans local patrol team `li` together with a random patrol team sharing regions
/// with it (see the module's head). False when no partner fits [`MAX_JOINT_STATES`],
/// no joint plan exists, or (strict) the result breaks a coupled rule.
pub fn joint_replan(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let ka = st.teams[li];
    if !ctx.patrol[ka] {
        return false;
    }
    let ma = Machine::new(st, ka);
    let nt = st.teams.len();
    let reach_a = ctx.reach(ka);
    let Some(lj) = (0..PARTNER_TRIES)
        .map(|_| rng.random_range(0..nt))
        .find(|&lj| {
            let kb = st.teams[lj];
            lj != li
                && ctx.patrol[kb]
                && ma.states() * Machine::new(st, kb).states() <= MAX_JOINT_STATES
                && ctx
                    .reach(kb)
                    .iter()
                    .any(|l| reach_a.binary_search(l).is_ok())
        })
    else {
        return false;
    };
    joint_pair(st, sc, li, lj)
}

/// The joint replan of local patrol teams `li` and `lj` (both whole plans timed by one
/// programme; see the module's head). False when no joint plan exists, a hop breaks,
/// or (strict) a coupled rule breaks.
pub fn joint_pair(st: &mut State, sc: &mut Scratch, li: usize, lj: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    let (ka, kb) = (st.teams[li], st.teams[lj]);
    let ma = Machine::new(st, ka);
    let mb = Machine::new(st, kb);
    for s in 0..n {
        st.set(li, s, NONE);
        st.set(lj, s, NONE);
    }
    let penalty = if st.relaxed {
        st.penalty
    } else {
        STRICT_PENALTY
    };
    let mut js = std::mem::take(&mut sc.joint);
    js.choices.clear();
    js.choices
        .extend((0..n).map(|s| slot_choice(st, ka, kb, s, penalty)));
    // The programme over pair states x = xa * nb + xb.
    let (na, nb) = (ma.states(), mb.states());
    let total = na * nb;
    let JointScratch {
        choices,
        cur,
        nxt,
        back,
        succ_b,
    } = &mut js;
    cur.clear();
    cur.resize(total, NEG);
    nxt.clear();
    nxt.resize(total, NEG);
    // Every entry the backtrack reads is written first (it follows reached states).
    back.resize(back.len().max(n * total), u32::MAX);
    cur[ma.initial() * nb + mb.initial()] = 0.0;
    // B's successors (off, on) per state, for a slot it may and may not work.
    succ_b.clear();
    for avail in [false, true] {
        for xb in 0..nb {
            let [off, on] = mb.next(xb, avail);
            succ_b.push([
                off.map_or(u32::MAX, |y| y as u32),
                on.map_or(u32::MAX, |y| y as u32),
            ]);
        }
    }
    for (s, c) in choices.iter().enumerate() {
        nxt.iter_mut().for_each(|v| *v = NEG);
        let (avail_a, avail_b) = (c.a.0 > NEG, c.b.0 > NEG);
        let b = &mut back[s * total..(s + 1) * total];
        let succ = &succ_b[usize::from(avail_b) * nb..][..nb];
        // Work used so far is at most s (states beyond it are unreached).
        let (ra, rb) = (ma.reached(s), mb.reached(s));
        let mut relax = |to: usize, v: f64, from: usize| {
            if v > nxt[to] {
                nxt[to] = v;
                b[to] = from as u32;
            }
        };
        for xa in 0..ra {
            // A's successors: the first is off, the second on.
            let [off_a, on_a] = ma.next(xa, avail_a);
            let row = &cur[xa * nb..xa * nb + rb];
            for (xb, &v) in row.iter().enumerate() {
                if v == NEG {
                    continue;
                }
                let from = xa * nb + xb;
                let [off_b, on_b] = succ[xb];
                if let Some(ya) = off_a {
                    if off_b != u32::MAX {
                        relax(ya * nb + off_b as usize, v, from);
                    }
                    if on_b != u32::MAX {
                        relax(ya * nb + on_b as usize, v + c.b.0, from);
                    }
                }
                if let Some(ya) = on_a {
                    if off_b != u32::MAX {
                        relax(ya * nb + off_b as usize, v + c.a.0, from);
                    }
                    if on_b != u32::MAX {
                        relax(ya * nb + on_b as usize, v + c.ab.0, from);
                    }
                }
            }
        }
        std::mem::swap(cur, nxt);
    }
    let mut best = (NEG, usize::MAX);
    for (x, &v) in cur.iter().enumerate() {
        if v > best.0 && ma.may_end(x / nb) && mb.may_end(x % nb) {
            best = (v, x);
        }
    }
    if best.0 == NEG {
        sc.joint = js;
        return false;
    }
    // Back through the programme: who works when, placed at the slot's best choice.
    let mut x = best.1;
    for s in (0..n).rev() {
        let (on_a, on_b) = (ma.on(x / nb), mb.on(x % nb));
        let c = &choices[s];
        let (la, lb) = match (on_a, on_b) {
            (true, true) => (c.ab.1, c.ab.2),
            (true, false) => (c.a.1, NONE),
            (false, true) => (NONE, c.b.1),
            (false, false) => (NONE, NONE),
        };
        if la != NONE {
            st.set(li, s, la);
        }
        if lb != NONE {
            st.set(lj, s, lb);
        }
        x = back[s * total + x] as usize;
    }
    sc.joint = js;
    // Every shift routed again given the other team (a shift whose per-slot choices
    // break the hop rule gets a legal route; the others never get worse).
    for team in [li, lj] {
        st.shifts_of(team, &mut sc.runs);
        let runs = std::mem::take(&mut sc.runs);
        for &(a, b) in &runs {
            reroute_run(st, sc, team, a, b);
        }
        sc.runs = runs;
    }
    let hops_ok = [li, lj].iter().all(|&team| {
        let k = st.teams[team];
        (1..n).all(|s| {
            let (p, l) = (st.at(team, s - 1), st.at(team, s));
            p == NONE || l == NONE || ctx.hop_ok(k, p, l)
        })
    });
    hops_ok && (st.relaxed || st.feasible())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use crate::search::check::{assert_consistent, rule_breaches};
    use crate::search::construct::construct;
    use crate::search::context::Context;
    use rand::SeedableRng;

    /// On the irregular small-3 and small-1 (requirements, shift rules, work limits):
    /// every joint replan that applies keeps every rule and matches a recomputation;
    /// some improve.
    #[test]
    fn joint_replans_keep_every_rule_and_some_improve() {
        for file in [
            "tests/data/irregular/small-3.json",
            "tests/data/irregular/small-1.json",
        ] {
            let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
            let inst = Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
            let ctx = Context::new(&inst);
            let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
            let mut sc = Scratch::default();
            construct(&mut st, &mut sc, &crate::search::stop::AnyOf::default()).unwrap();
            let patrol: Vec<usize> = (0..st.teams.len())
                .filter(|&li| ctx.patrol[st.teams[li]])
                .collect();
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            let mut improved = 0;
            for it in 0..200 {
                let li = patrol[rng.random_range(0..patrol.len())];
                let before = st.score;
                st.begin();
                if joint_replan(&mut st, &mut sc, &mut rng, li)
                    && st.score.total() > before.total() + 1e-9
                {
                    improved += 1;
                    st.commit();
                } else {
                    st.rollback(before);
                }
                assert!(st.feasible(), "{file} {it}: a coupled rule broken");
                assert!(
                    rule_breaches(&st).is_empty(),
                    "{file} {it}: {:?}",
                    rule_breaches(&st)
                );
                assert_consistent(&st, &format!("{file} after joint replan {it}"));
            }
            assert!(improved > 0, "{file}: no joint replan improved");
        }
    }
}
