//! The mobile teams' side of a plan on large components (nanjing, the cities of
//! jiangsu): the siting of the working mobile teams, slot by slot, brought close to the
//! per-slot optimum at the end of the search (the *mobile polish*), and the same deep
//! re-site of one slot as a move.
//!
//! Why: a slot's response and backup cover depends only on where its own mobile teams
//! stand, and the search moves one team at a time (single-team routes, Teitz-Bart
//! relocations). On nanjing after 10 s those left about 8 of the mobile side's ~600 on
//! the table against the exact siting of the very same working teams (docs/mobile.md).
//! The polish re-sites every slot of every large component in three passes, each over
//! all slots before the next:
//! 1. greedy + Teitz-Bart swaps from the current posts (`siting::site_slot`), cheap;
//! 2. the iterated local search `siting::site_slot_deep` ([`POLISH_DEEP_ROUNDS`] kicks);
//! 3. the siting module's exact branch and bound warm-started from pass 2
//!    (`siting::solve_exact_from`, [`POLISH_EXACT_NODES`] nodes), on slots of at most
//!    [`POLISH_EXACT_COLUMNS`] (team, post) pairs.
//!
//! A slot's problem is first split into its independent parts (teams that share no
//! post and no covered region with the others: the cities of a province), each sited
//! on its own.
//!
//! Each team may take only posts that keep the hop rule with its neighbouring slots, and
//! a slot's siting keeps every post's capacity, so every rule still holds. Slots of one
//! parity are sited together in parallel (their neighbours, the other parity, stay
//! put), then applied in slot order; a siting that would score lower is not applied.
//! The result does not depend on the thread count; in a timed run the passes stop at
//! the deadline, and the solver reserves time for them ([`reserve`]).

use std::time::{Duration, Instant};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::context::NONE;
use super::member::{Member, SMALL_TEAM_SLOTS};
use super::neighbourhood::MOVES;
use super::state::State;
use crate::geo::union_find::UnionFind;
use crate::siting::{site_slot, site_slot_deep, solve_exact_from, SlotSiting, UNPLACED};

/// Kicks of the deep siting of a slot in the polish's second pass (on nanjing's slots,
/// 16-24 working teams over 16 posts each: 300 kicks reach about 90 % of what the exact
/// siting adds over the plan, at about a quarter of its cost).
pub const POLISH_DEEP_ROUNDS: usize = 300;
/// Node limit of a slot's exact siting in the polish's third pass (a count, not a time,
/// so an untimed run is reproducible).
pub const POLISH_EXACT_NODES: usize = 300;
/// Largest number of (team, allowed post) pairs of a slot sited exactly by the polish.
pub const POLISH_EXACT_COLUMNS: usize = 1_500;
/// Kicks of the deep siting in one `mobile_polish` move (one slot).
pub const MOVE_DEEP_ROUNDS: usize = 100;
/// Most of the search's time the polish may take (it needs less when it is quick).
pub const POLISH_SHARE_MAX: f64 = 0.15;
/// Estimated CPU time of the three passes per working mobile team-slot, in
/// microseconds (measured on nanjing, quiet machine: swap ~70, deep ~500, exact ~1,800;
/// padded), from which [`reserve`] sizes the time kept for the polish.
const POLISH_MICROS_PER_TEAM_SLOT: u64 = 2_600;

/// Time the polish leaves before the solver's deadline (a siting started just before
/// its deadline may end a little after it; the solver then still scores its schedule).
const POLISH_END_MARGIN: Duration = Duration::from_millis(60);

/// A pass of the polish over every slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Greedy + Teitz-Bart swaps from the current posts.
    Swap,
    /// Iterated local search with this many kicks.
    Deep(usize),
    /// Exact branch and bound with this node limit (on small enough slots).
    Exact(usize),
}

/// The polish's passes, in order.
pub const PASSES: [Pass; 3] = [
    Pass::Swap,
    Pass::Deep(POLISH_DEEP_ROUNDS),
    Pass::Exact(POLISH_EXACT_NODES),
];

/// One slot's siting problem for the mobile teams working in it, each restricted to the
/// posts that keep the hop rule with its neighbouring slots.
#[derive(Debug, Clone)]
pub struct SlotProblem<'i> {
    /// The slot.
    pub slot: usize,
    /// Local indices of the working mobile teams, in problem order.
    pub locals: Vec<usize>,
    /// The siting problem (global teams with their allowed posts).
    pub problem: SlotSiting<'i>,
    /// The current post of each, in problem order.
    pub start: Vec<u32>,
}

/// The siting problem of slot `s` of `st`, or `None` when no mobile team works then.
pub fn slot_problem<'i>(st: &State<'i>, s: usize) -> Option<SlotProblem<'i>> {
    let ctx = st.ctx;
    let n = ctx.slots;
    let mut locals = Vec::new();
    let mut teams = Vec::new();
    let mut start = Vec::new();
    for lj in 0..st.teams.len() {
        let k = st.teams[lj];
        let here = st.at(lj, s);
        if ctx.patrol[k] || here == NONE {
            continue;
        }
        let prev = if s > 0 { st.at(lj, s - 1) } else { NONE };
        let next = if s + 1 < n { st.at(lj, s + 1) } else { NONE };
        let allowed: Vec<u32> = ctx
            .reach(k)
            .iter()
            .copied()
            .filter(|&p| {
                (prev == NONE || ctx.hop_ok(k, prev, p)) && (next == NONE || ctx.hop_ok(k, p, next))
            })
            .collect();
        locals.push(lj);
        teams.push((k, allowed));
        start.push(here);
    }
    if locals.is_empty() {
        return None;
    }
    Some(SlotProblem {
        slot: s,
        locals,
        problem: SlotSiting {
            instance: ctx.inst,
            slot: s,
            teams,
        },
        start,
    })
}

/// The independent parts of a slot problem: teams whose allowed posts share a post or
/// cover a common region (directly or through others) in one part, each part in
/// problem order. A slot of a whole province (jiangsu: one component, hundreds of
/// working mobile teams) falls apart into its cities, each small enough for the deep
/// and the exact siting; a city's slot stays whole.
pub fn split(sp: SlotProblem<'_>) -> Vec<SlotProblem<'_>> {
    let inst = sp.problem.instance;
    let reach = inst.reach();
    let n = sp.locals.len();
    let mut uf = UnionFind::new(n);
    let mut region_owner = vec![usize::MAX; inst.regions().len()];
    let mut post_owner = vec![usize::MAX; inst.posts().len()];
    let join = |owner: &mut [usize], at: usize, i: usize, uf: &mut UnionFind| {
        if owner[at] == usize::MAX {
            owner[at] = i;
        } else {
            uf.union(owner[at], i);
        }
    };
    for (i, (k, allowed)) in sp.problem.teams.iter().enumerate() {
        for &p in allowed {
            join(&mut post_owner, p as usize, i, &mut uf);
            let covered = reach
                .response_regions(*k, p as usize)
                .iter()
                .chain(reach.backup_regions(*k, p as usize));
            for &r in covered {
                join(&mut region_owner, r as usize, i, &mut uf);
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| uf.find(i)).collect();
    let mut order: Vec<usize> = Vec::new();
    for &r in &roots {
        if !order.contains(&r) {
            order.push(r);
        }
    }
    if order.len() <= 1 {
        return vec![sp];
    }
    order
        .iter()
        .map(|&root| {
            let members: Vec<usize> = (0..n).filter(|&i| roots[i] == root).collect();
            SlotProblem {
                slot: sp.slot,
                locals: members.iter().map(|&i| sp.locals[i]).collect(),
                problem: SlotSiting {
                    instance: inst,
                    slot: sp.slot,
                    teams: members
                        .iter()
                        .map(|&i| sp.problem.teams[i].clone())
                        .collect(),
                },
                start: members.iter().map(|&i| sp.start[i]).collect(),
            }
        })
        .collect()
}

/// The posts `pass` finds for a slot problem (`None` when it does not apply to the slot,
/// the deadline has passed, or some team could not be placed).
pub fn site(
    sp: &SlotProblem,
    pass: Pass,
    seed: u64,
    deadline: Option<Instant>,
) -> Option<Vec<u32>> {
    if deadline.is_some_and(|d| Instant::now() >= d) {
        return None;
    }
    let posts = match pass {
        Pass::Swap => site_slot(&sp.problem, Some(&sp.start)),
        Pass::Deep(rounds) => site_slot_deep(&sp.problem, Some(&sp.start), rounds, seed, deadline),
        Pass::Exact(nodes) => {
            let columns: usize = sp.problem.teams.iter().map(|(_, a)| a.len()).sum();
            if columns > POLISH_EXACT_COLUMNS {
                return None;
            }
            let limit = deadline.map_or(Duration::MAX, |d| {
                d.saturating_duration_since(Instant::now())
            });
            let out = solve_exact_from(&sp.problem, Some(&sp.start), limit, nodes);
            if !out.value.is_finite() {
                return None;
            }
            out.posts
        }
    };
    (!posts.contains(&UNPLACED) && posts != sp.start).then_some(posts)
}

/// Puts the sited posts of slot `s` in place (all teams off first, so capacities hold
/// throughout); journaled like any move.
pub fn put(st: &mut State, s: usize, locals: &[usize], posts: &[u32]) {
    for &lj in locals {
        st.set(lj, s, NONE);
    }
    for (&lj, &p) in locals.iter().zip(posts) {
        st.set(lj, s, p);
    }
}

/// Applies a slot's new siting when it scores at least as well (journal rolled back
/// otherwise); returns the gain.
fn apply_if_better(st: &mut State, sp: &SlotProblem, posts: &[u32]) -> f64 {
    let before = st.score;
    let was = st.penalised();
    st.begin();
    put(st, sp.slot, &sp.locals, posts);
    let gain = st.penalised() - was;
    if gain >= -1e-12 * was.abs().max(1.0) && (st.relaxed || st.feasible()) {
        st.commit();
        gain.max(0.0)
    } else {
        st.rollback(before);
        0.0
    }
}

/// What a polish did.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolishOutcome {
    /// Slot sitings computed.
    pub sited: u64,
    /// Slots whose siting changed.
    pub changed: u64,
    /// Objective gained.
    pub gain: f64,
    /// Wall time.
    pub nanos: u64,
}

/// Seed of slot `s`'s deep siting in pass `pass` of a run seeded `seed`.
fn slot_seed(seed: u64, pass: usize, s: usize) -> u64 {
    seed ^ (pass as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (s as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// Polishes the mobile siting of every state in `states` (see the module doc): the
/// passes in [`PASSES`] order, each over every slot of every state, slots of one parity
/// at a time sited in parallel (on the current rayon pool). Stops at `deadline`.
pub fn polish(states: &mut [&mut State], seed: u64, deadline: Option<Instant>) -> PolishOutcome {
    let started = Instant::now();
    let mut out = PolishOutcome::default();
    for (pi, &pass) in PASSES.iter().enumerate() {
        for parity in 0..2 {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                out.nanos = started.elapsed().as_nanos() as u64;
                return out;
            }
            let problems: Vec<(usize, SlotProblem)> = states
                .iter()
                .enumerate()
                .flat_map(|(i, st)| {
                    (parity..st.ctx.slots)
                        .step_by(2)
                        .filter_map(move |s| slot_problem(st, s))
                        .flat_map(split)
                        .map(move |p| (i, p))
                })
                .collect();
            let sited: Vec<Option<Vec<u32>>> = problems
                .par_iter()
                .map(|(_, sp)| site(sp, pass, slot_seed(seed, pi, sp.slot), deadline))
                .collect();
            for ((i, sp), posts) in problems.iter().zip(sited) {
                out.sited += 1;
                if let Some(posts) = posts {
                    let gain = apply_if_better(states[*i], sp, &posts);
                    out.changed += u64::from(gain > 0.0);
                    out.gain += gain;
                }
            }
        }
    }
    out.nanos = started.elapsed().as_nanos() as u64;
    out
}

/// Whether the polish works on a component of `teams` local teams (large components
/// with mobile teams; small ones have the exact re-site move and elite restarts).
pub fn polishes(st: &State) -> bool {
    st.teams.len() * st.ctx.slots > SMALL_TEAM_SLOTS && st.teams.iter().any(|&k| !st.ctx.patrol[k])
}

/// When the search should stop to leave the polish its time: `None` without a deadline
/// or when no component is polished; otherwise the deadline less the polish's estimated
/// wall time on `threads` threads (its working mobile team-slots times
/// [`POLISH_MICROS_PER_TEAM_SLOT`]), at most [`POLISH_SHARE_MAX`] of the time left.
pub fn reserve(states: &[State], deadline: Option<Instant>, threads: usize) -> Option<Instant> {
    let deadline = deadline?;
    let team_slots: u64 = states
        .iter()
        .filter(|st| polishes(st))
        .flat_map(|st| {
            (0..st.teams.len())
                .filter(|&li| !st.ctx.patrol[st.teams[li]])
                .map(|li| u64::from(st.worked[li]))
        })
        .sum();
    if team_slots == 0 {
        return None;
    }
    let left = deadline.saturating_duration_since(Instant::now());
    let estimate =
        Duration::from_micros(team_slots * POLISH_MICROS_PER_TEAM_SLOT / threads.max(1) as u64);
    Some(deadline - estimate.min(left.mul_f64(POLISH_SHARE_MAX)))
}

/// Polishes the best state of each polished component (the member [`Member`]s the
/// solver would return: the first with the highest best objective), updates their best
/// objectives and credits the work to the `mobile_polish` move's statistics.
pub fn polish_members(
    members: &mut [(usize, Member)],
    n_comps: usize,
    seed: u64,
    deadline: Option<Instant>,
) {
    let mut winners: Vec<usize> = Vec::new();
    for c in 0..n_comps {
        let mut win: Option<usize> = None;
        for (i, (mc, m)) in members.iter().enumerate() {
            if *mc == c && win.is_none_or(|w| m.best_total > members[w].1.best_total) {
                win = Some(i);
            }
        }
        if let Some(w) = win.filter(|&w| polishes(&members[w].1.best)) {
            winners.push(w);
        }
    }
    if winners.is_empty() {
        return;
    }
    let mut states: Vec<&mut State> = members
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| winners.contains(i))
        .map(|(_, (_, m))| &mut m.best)
        .collect();
    // The last sitings started before the polish's deadline may run a little past it.
    let deadline = deadline.map(|d| d.checked_sub(POLISH_END_MARGIN).unwrap_or(d));
    let out = polish(&mut states, seed, deadline);
    drop(states);
    let slot = MOVES.iter().position(|m| m.name() == "mobile_polish");
    for (n, &w) in winners.iter().enumerate() {
        let m = &mut members[w].1;
        m.best.score = m.best.recompute_score();
        m.best_total = m.best.score.total();
        if let (0, Some(j)) = (n, slot) {
            let counts = &mut m.stats.moves.0[j];
            counts.tried += out.sited;
            counts.applied += out.changed;
            counts.accepted += out.changed;
            counts.improved += out.changed;
            counts.gain += out.gain;
            counts.nanos += out.nanos;
        }
    }
}

/// The `mobile_polish` move: the mobile teams of a random slot where local mobile team
/// `li` works are sited again by the deep siting ([`MOVE_DEEP_ROUNDS`] kicks) from their
/// current posts, keeping hop and capacity. False when `li` is a patrol team, never
/// works, or the siting does not change.
pub fn polish_slot(st: &mut State, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let n = st.ctx.slots;
    if st.ctx.patrol[st.teams[li]] || st.worked[li] == 0 {
        return false;
    }
    let mut s = rng.random_range(0..n);
    while st.at(li, s) == NONE {
        s = (s + 1) % n;
    }
    let Some(sp) = slot_problem(st, s) else {
        return false;
    };
    let Some(posts) = site(&sp, Pass::Deep(MOVE_DEEP_ROUNDS), rng.random(), None) else {
        return false;
    };
    put(st, s, &sp.locals, &posts);
    st.relaxed || st.feasible()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use crate::search::context::Context;
    use crate::search::ops::Scratch;
    use crate::search::stop::AnyOf;

    /// The parts of every slot of the small preset's construction partition its working
    /// mobile teams, and no two parts share a post or a covered region.
    #[test]
    fn split_parts_partition_the_teams_and_share_nothing() {
        let inst = Instance::from_json(include_str!("../../data/small.json")).unwrap();
        let ctx = Context::new(&inst);
        let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
        crate::search::construct::construct(&mut st, &mut Scratch::default(), &AnyOf::default())
            .unwrap();
        let reach = inst.reach();
        for s in 0..ctx.slots {
            let Some(sp) = slot_problem(&st, s) else {
                continue;
            };
            let mut all = sp.locals.clone();
            let parts = split(sp.clone());
            let mut seen: Vec<usize> = parts.iter().flat_map(|p| p.locals.clone()).collect();
            all.sort_unstable();
            seen.sort_unstable();
            assert_eq!(all, seen, "slot {s}");
            let touched = |p: &SlotProblem| {
                let mut at: Vec<(u8, u32)> = Vec::new();
                for (k, allowed) in &p.problem.teams {
                    for &q in allowed {
                        at.push((0, q));
                        let regions = reach.response_regions(*k, q as usize).iter();
                        at.extend(
                            regions
                                .chain(reach.backup_regions(*k, q as usize))
                                .map(|&r| (1, r)),
                        );
                    }
                }
                at.sort_unstable();
                at.dedup();
                at
            };
            for (i, a) in parts.iter().enumerate() {
                let ta = touched(a);
                assert_eq!(a.locals.len(), a.start.len());
                for b in &parts[i + 1..] {
                    let tb = touched(b);
                    assert!(ta.iter().all(|x| tb.binary_search(x).is_err()), "slot {s}");
                }
            }
        }
    }
}
