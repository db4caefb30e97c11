//! The moves of the local search. Each applies its change to the state (journaled, so
//! it can be rolled back) and keeps every hard rule; the caller decides acceptance.
//!
//! - reroute: the best route of one team over a shift or part of one, given the others;
//! - retime: move, stretch or shrink one shift (then route it), or add a shift;
//! - destroy and repair: take out the shifts of the teams around one region and time
//!   window and put them back greedily (a small large-neighbourhood step).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::context::NONE;
use super::ops::{best_window, free_gap, insert_anywhere, max_new_len, remove_run, Scratch};
use super::path::{place, PathSpec};
use super::state::State;

/// Reroutes a random part of a shift of local team `li` (never worsens the score).
/// Returns false when the team has no shift and none could be added.
pub fn reroute(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, li: usize) -> bool {
    st.shifts_of(li, &mut sc.runs);
    if sc.runs.is_empty() {
        return insert_anywhere(st, sc, li).is_some();
    }
    let (a, b) = sc.runs[rng.random_range(0..sc.runs.len())];
    let (a, b) = if b - a > 2 && rng.random_bool(0.5) {
        let x = rng.random_range(a..b);
        let y = rng.random_range(a..b);
        (x.min(y), x.max(y) + 1)
    } else {
        (a, b)
    };
    reroute_run(st, sc, li, a, b)
}

/// Reroutes local team `li` over `[a, b)` (worked slots) at its best given the others,
/// keeping the locations where it is needed. False only on float ties with no route
/// found (the route is then put back).
pub fn reroute_run(st: &mut State, sc: &mut Scratch, li: usize, a: usize, b: usize) -> bool {
    let n = st.ctx.slots;
    let prev = if a > 0 { st.at(li, a - 1) } else { NONE };
    let next = if b < n { st.at(li, b) } else { NONE };
    let mut forced = std::mem::take(&mut sc.forced);
    sc.saved.clear();
    sc.saved.extend((a..b).map(|s| st.at(li, s)));
    remove_run(st, li, a, b, &mut forced);
    let spec = PathSpec {
        li,
        start: a,
        len: b - a,
        prev,
        next,
        forced: &forced,
    };
    let found = sc.path.best(st, &spec).is_some();
    sc.forced = forced;
    if found {
        place(st, li, a, &sc.path.path);
    } else {
        // Only possible through float ties on an exhausted candidate set: put it back.
        let saved = std::mem::take(&mut sc.saved);
        place(st, li, a, &saved);
        sc.saved = saved;
    }
    found
}

/// Gives one shift of local team `li` a new window (or adds a shift when the team has
/// work time left) and routes it. Returns false when the drawn window breaks a rule
/// (the state is then partly changed: the caller rolls back).
pub fn retime(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let k = st.teams[li];
    let rules = ctx.inst.rules_of(k);
    st.shifts_of(li, &mut sc.runs);
    if sc.runs.is_empty() || (max_new_len(st, li) >= rules.min_shift_slots && rng.random_bool(0.2))
    {
        return insert_anywhere(st, sc, li).is_some();
    }
    let (a, b) = sc.runs[rng.random_range(0..sc.runs.len())];
    let mut forced = std::mem::take(&mut sc.forced);
    let needed = remove_run(st, li, a, b, &mut forced);
    let (lo, hi) = free_gap(st, li, a, b);
    let max_len = max_new_len(st, li);
    let len = b - a;
    let step = |rng: &mut ChaCha8Rng| {
        let d = rng.random_range(1..=2) as isize;
        if rng.random_bool(0.5) {
            d
        } else {
            -d
        }
    };
    let (na, nl): (isize, isize) = match rng.random_range(0..5) {
        0 => (a as isize + step(rng), len as isize),
        1 => {
            let d = step(rng);
            (a as isize + d, len as isize - d)
        }
        2 => (a as isize, len as isize + step(rng)),
        3 => match best_window(st, sc, li, lo, hi) {
            Some((wa, wl, _)) => (wa as isize, wl as isize),
            None => (a as isize, len as isize),
        },
        _ => {
            let top = hi.saturating_sub(rules.min_shift_slots).max(lo);
            let wa = rng.random_range(lo..=top);
            let wl = rng.random_range(rules.min_shift_slots..=rules.max_shift_slots);
            (wa as isize, wl as isize)
        }
    };
    let ok = na >= lo as isize
        && nl >= rules.min_shift_slots as isize
        && nl <= max_len as isize
        && na + nl <= hi as isize;
    let (na, nl) = (na.max(0) as usize, nl.max(0) as usize);
    let ok = ok
        && ctx.avail_from(k, na) >= nl
        && (needed == 0
            || forced
                .iter()
                .enumerate()
                .all(|(i, &f)| f == NONE || (na..na + nl).contains(&(a + i))));
    if !ok {
        sc.forced = forced;
        return false;
    }
    sc.saved.clear();
    sc.saved.extend((na..na + nl).map(|s| {
        if (a..b).contains(&s) {
            forced[s - a]
        } else {
            NONE
        }
    }));
    sc.forced = forced;
    let spec = PathSpec {
        li,
        start: na,
        len: nl,
        prev: NONE,
        next: NONE,
        forced: &sc.saved,
    };
    if sc.path.best(st, &spec).is_none() {
        return false;
    }
    place(st, li, na, &sc.path.path);
    true
}

/// Destroys the shifts of the teams of the seed team's kind around a random location
/// and time window, and repairs them: a few teams first get a random window, then all
/// are refilled greedily. `teams` is scratch space for the team list.
pub fn destroy_repair(
    st: &mut State,
    sc: &mut Scratch,
    rng: &mut ChaCha8Rng,
    seed_team: usize,
    max_teams: usize,
    teams: &mut Vec<usize>,
) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    let k0 = st.teams[seed_team];
    let patrol = ctx.patrol[k0];
    let reach = ctx.reach(k0);
    if reach.is_empty() {
        return false;
    }
    let l0 = reach[rng.random_range(0..reach.len())];
    let area = ctx.hop(k0, l0);
    let width = 2 * ctx.inst.rules_of(k0).max_shift_slots;
    let t0 = rng.random_range(0..n);
    let t1 = (t0 + width).min(n);
    teams.clear();
    for li in 0..st.teams.len() {
        if ctx.patrol[st.teams[li]] != patrol {
            continue;
        }
        let hit = (t0..t1).any(|s| {
            let l = st.at(li, s);
            l != NONE && area.binary_search(&l).is_ok()
        });
        if hit || li == seed_team {
            teams.push(li);
            if teams.len() >= max_teams {
                break;
            }
        }
    }
    // Professionals are repaired before volunteers, who need them.
    for i in (1..teams.len()).rev() {
        teams.swap(i, rng.random_range(0..=i));
    }
    teams.sort_by_key(|&li| ctx.volunteer[st.teams[li]]);
    let mut removed = 0;
    // Volunteers leave first so that their escorts are free to leave too.
    for &li in teams.iter().rev() {
        st.shifts_of(li, &mut sc.runs);
        let runs = std::mem::take(&mut sc.runs);
        for &(a, b) in &runs {
            if b <= t0 || a >= t1 || !(a..b).all(|s| st.may_leave(li, s)) {
                continue;
            }
            for s in a..b {
                st.set(li, s, NONE);
            }
            removed += 1;
        }
        sc.runs = runs;
    }
    if removed == 0 {
        return false;
    }
    if teams.iter().all(|&li| super::exact::affordable(st, li)) {
        // A second pass lets professionals follow the volunteers placed after them.
        let first = teams.iter().all(|&li| replan_exact(st, sc, li));
        return first && teams.iter().all(|&li| replan_exact(st, sc, li));
    }
    for &li in teams.iter() {
        if rng.random_bool(0.3) {
            insert_random(st, sc, rng, li);
        }
    }
    while !teams.is_empty() {
        teams.retain(|&li| insert_anywhere(st, sc, li).is_some());
    }
    true
}

/// Adds a shift of random length at a random free place of local team `li`, routed at
/// its best; does nothing when the drawn place does not fit.
fn insert_random(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, li: usize) {
    let ctx = st.ctx;
    let rules = ctx.inst.rules_of(st.teams[li]);
    let s = rng.random_range(0..ctx.slots);
    if st.at(li, s) != NONE {
        return;
    }
    let (lo, hi) = free_gap(st, li, s, s + 1);
    let max_len = max_new_len(st, li).min(hi.saturating_sub(lo));
    if max_len < rules.min_shift_slots {
        return;
    }
    let len = rng.random_range(rules.min_shift_slots..=max_len);
    let a = rng.random_range(lo..=hi - len);
    if ctx.avail_from(st.teams[li], a) >= len {
        let _ = super::ops::route_new(st, sc, li, a, len);
    }
}

/// Takes out every shift of local team `li` that it can leave, then plans it again:
/// exactly over the whole horizon when the team's programme is small, otherwise the
/// first shift at a random window (diversification) and the rest greedily.
pub fn replan(st: &mut State, sc: &mut Scratch, rng: &mut ChaCha8Rng, li: usize) -> bool {
    if super::exact::affordable(st, li) {
        return replan_exact(st, sc, li);
    }
    replan_random(st, sc, rng, li, 0.5)
}

/// Takes out every shift of local team `li` that it can leave; then, with probability
/// `random`, a shift at a random window, and the rest greedily (a kick when
/// `random` is 1: the team is pushed out of its best response).
pub fn replan_random(
    st: &mut State,
    sc: &mut Scratch,
    rng: &mut ChaCha8Rng,
    li: usize,
    random: f64,
) -> bool {
    st.shifts_of(li, &mut sc.runs);
    let runs = std::mem::take(&mut sc.runs);
    for &(a, b) in &runs {
        if (a..b).all(|s| st.may_leave(li, s)) {
            for s in a..b {
                st.set(li, s, NONE);
            }
        }
    }
    sc.runs = runs;
    if rng.random_bool(random) {
        insert_random(st, sc, rng, li);
    }
    while insert_anywhere(st, sc, li).is_some() {}
    true
}

/// Replaces the whole plan of local team `li` by its exact best response.
pub fn replan_exact(st: &mut State, sc: &mut Scratch, li: usize) -> bool {
    let n = st.ctx.slots;
    let mut forced = std::mem::take(&mut sc.forced);
    remove_run(st, li, 0, n, &mut forced);
    let plan = super::exact::best_plan(st, li, &forced);
    sc.forced = forced;
    match plan {
        Some((_, plan)) => {
            for (s, &l) in plan.iter().enumerate() {
                if l != NONE {
                    st.set(li, s, l);
                }
            }
            true
        }
        None => false,
    }
}

/// A slot's exactly sited problem (teams with their allowed posts) and its siting.
pub type SitedSlot = (Vec<(usize, Vec<u32>)>, Vec<u32>);

/// The exact re-site's memory and work budget (one per member).
///
/// `memo`: per slot, the last exactly sited problem (teams with their allowed posts) and
/// its siting. `work`/`allowance`: the branch and bound's work spent and allowed so far,
/// in thousandths of a work unit-region: (simplex pivots + [`EXACT_WORK_PER_NODE`] per
/// node + [`EXACT_WORK_PER_CALL`]) x regions of the instance (a pivot's cost grows with
/// the model, whose rows are the instance's regions; a count, not a time, so runs stay
/// reproducible). The allowance starts at [`EXACT_WORK_FREE`] and grows by
/// [`EXACT_WORK_PER_ITERATION`] thousandths per iteration, so that exact siting takes a
/// few per cent of the search time (on the `small` preset, with 48 slots whose mobile
/// teams keep changing, a solve costs ~8 ms and gains little; more allowance there was
/// measured worse). A solve starts whenever the work spent is within the allowance, so
/// the first one always runs (pure covering: one slot, whose later re-sites the memo
/// answers).
#[derive(Debug, Clone)]
pub struct ExactSiting {
    /// Per slot, the last exactly sited problem and its siting.
    pub memo: Vec<Option<SitedSlot>>,
    /// Work spent (thousandths of a unit-region).
    pub work: u64,
    /// Work allowed so far (thousandths of a unit-region).
    pub allowance: u64,
    rate: u64,
    /// The run's deadline: a solve is cut there (time-limited runs vary with the
    /// machine's speed anyway; iteration-bounded ones have none and stay reproducible).
    pub deadline: Option<std::time::Instant>,
}

impl Default for ExactSiting {
    fn default() -> ExactSiting {
        ExactSiting {
            memo: Vec::new(),
            work: 0,
            allowance: EXACT_WORK_FREE * 1_000,
            rate: EXACT_WORK_PER_ITERATION,
            deadline: None,
        }
    }
}

impl ExactSiting {
    /// One iteration's worth of allowance.
    pub fn credit(&mut self) {
        self.allowance = self.allowance.saturating_add(self.rate);
    }
}

/// Unit-regions of exact siting allowed before any iteration (see [`ExactSiting`]).
pub const EXACT_WORK_FREE: u64 = 300_000;
/// Thousandths of a unit-region of exact siting earned per iteration (see
/// [`ExactSiting`]).
pub const EXACT_WORK_PER_ITERATION: u64 = 5_000;
/// Work units charged per branch-and-bound node besides its pivots (loading the node's
/// bounds and basis), see [`ExactSiting`].
const EXACT_WORK_PER_NODE: u64 = 100;
/// Work units charged per exact siting besides its nodes (building the model, the
/// greedy + swap start, the first factorisation), see [`ExactSiting`].
const EXACT_WORK_PER_CALL: u64 = 500;

/// Largest number of mobile teams in a slot sited by the exact branch and bound.
pub const EXACT_SITING_TEAMS: usize = 16;
/// Node limit of one exact siting (a fixed count, not time, keeps runs reproducible).
pub const EXACT_SITING_NODES: usize = 300;
/// Kicks of the iterated local search (`crate::siting::site_slot_deep`) that sites a
/// slot too large for the exact branch and bound: on maximal covering cases of 324 and
/// 818 candidate posts with 3-20 teams, 300 kicks reached HiGHS's optimum on every one
/// (about 1 ms per kick at 818 regions; docs/siting.md).
pub const DEEP_SITING_ROUNDS: usize = 600;
/// Largest number of (team, allowed post) pairs of a slot sited exactly.
pub const EXACT_SITING_COLUMNS: usize = 4_000;

/// One slot's siting problem for the mobile teams working in it, each restricted to the
/// posts that keep the hop rule with its neighbouring slots: local teams, the problem,
/// and their current posts.
fn slot_problem<'i>(
    st: &State<'i>,
    s: usize,
) -> (Vec<usize>, crate::siting::SlotSiting<'i>, Vec<u32>) {
    // The polish's slot problem (one place decides the allowed posts); callers pick `s`
    // by `worked_slot`, so some mobile team works there.
    let sp = super::mobile::slot_problem(st, s).expect("a mobile team works in the slot");
    (sp.locals, sp.problem, sp.start)
}

/// A random slot in which local mobile team `li` works (`None` when it never does).
fn worked_slot(st: &State, rng: &mut ChaCha8Rng, li: usize) -> Option<usize> {
    let n = st.ctx.slots;
    if st.ctx.patrol[st.teams[li]] || st.worked[li] == 0 {
        return None;
    }
    let mut s = rng.random_range(0..n);
    while st.at(li, s) == NONE {
        s = (s + 1) % n;
    }
    Some(s)
}

/// Puts the sited posts in place (all teams off first, so capacities hold throughout).
fn put_sited(st: &mut State, s: usize, locals: &[usize], sited: &[u32]) {
    for &lj in locals {
        st.set(lj, s, NONE);
    }
    for (&lj, &p) in locals.iter().zip(sited) {
        st.set(lj, s, p);
    }
}

/// Re-sites every mobile team working in a random slot of local mobile team `li` at
/// once (greedy + swap maximal covering, `crate::siting::site_slot`, warm-started from
/// the current posts), each team keeping the hop rule with its neighbouring slots: the
/// coordinated move single-team moves cannot make.
pub fn resite_slot(st: &mut State, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let Some(s) = worked_slot(st, rng, li) else {
        return false;
    };
    let (locals, problem, start) = slot_problem(st, s);
    let sited = crate::siting::site_slot(&problem, Some(&start));
    if sited.contains(&crate::siting::UNPLACED) {
        return false;
    }
    put_sited(st, s, &locals, &sited);
    true
}

/// Sites the mobile teams of a random slot of local mobile team `li` by the siting
/// module's exact branch and bound (`crate::siting::solve_exact_limited`, node
/// limited), when the slot has at most [`EXACT_SITING_TEAMS`] of them and its posts
/// differ from the last exactly sited problem of the slot (`memo`). In a relaxed state
/// (capacities breakable) the exact siting still keeps them.
pub fn resite_exact(
    st: &mut State,
    rng: &mut ChaCha8Rng,
    li: usize,
    exact: &mut ExactSiting,
) -> bool {
    let Some(s) = worked_slot(st, rng, li) else {
        return false;
    };
    if st.teams.len() * st.ctx.slots > super::member::SMALL_TEAM_SLOTS {
        return false;
    }
    let (locals, problem, start) = slot_problem(st, s);
    let columns = problem.teams.iter().map(|(_, a)| a.len()).sum::<usize>();
    // Too large for the branch and bound (classic maximal covering: hundreds of
    // candidate posts): the iterated local search of the siting module instead.
    let deep = locals.len() > EXACT_SITING_TEAMS || columns > EXACT_SITING_COLUMNS;
    let memo = &mut exact.memo;
    if memo.len() < st.ctx.slots {
        memo.resize(st.ctx.slots, None);
    }
    // A slot's cover depends only on where its own mobile teams stand: the same teams
    // with the same allowed posts have the same best siting, so it is reused.
    if let Some((key, posts)) = &memo[s] {
        if *key == problem.teams {
            if *posts == start {
                return false;
            }
            let posts = posts.clone();
            put_sited(st, s, &locals, &posts);
            return true;
        }
    }
    if exact.work > exact.allowance {
        return false;
    }
    let regions = st.ctx.inst.regions().len().max(1) as u64;
    if deep {
        let seed = rng.random::<u64>();
        let rounds = DEEP_SITING_ROUNDS;
        let posts =
            crate::siting::site_slot_deep(&problem, Some(&start), rounds, seed, exact.deadline);
        let units = DEEP_SITING_ROUNDS as u64 * locals.len() as u64 + EXACT_WORK_PER_CALL;
        exact.work = exact.work.saturating_add(units * regions * 1_000);
        if posts.contains(&crate::siting::UNPLACED) {
            return false;
        }
        put_sited(st, s, &locals, &posts);
        exact.memo[s] = Some((problem.teams, posts));
        return true;
    }
    let out =
        crate::siting::solve_exact_limited(&problem, std::time::Duration::MAX, EXACT_SITING_NODES);
    let units = out.pivots + EXACT_WORK_PER_NODE * out.nodes as u64 + EXACT_WORK_PER_CALL;
    exact.work = exact.work.saturating_add(units * regions * 1_000);

    if !out.value.is_finite() || out.posts.contains(&crate::siting::UNPLACED) {
        return false;
    }
    put_sited(st, s, &locals, &out.posts);
    exact.memo[s] = Some((problem.teams, out.posts));
    true
}
