//! The library entry point: [`Solver`] builds a first feasible schedule and improves it
//! with a deterministic parallel local search until a deadline, an iteration budget, a
//! stall, or the cancel button.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::accept::{Acceptance, LateAcceptance, SimulatedAnnealing};
use super::cancel::CancelToken;
use super::components::components;
use super::construct::{
    construct, fill, load_warm, repair_breaches, ConstructError, UnmetRequirement,
};
use super::context::Context;
use super::member::Member;
use super::neighbourhood::MoveStats;
use super::ops::Scratch;
use super::state::{Layout, Score, State};
use super::stop::{AnyOf, Cancelled, Deadline, IterationBudget, NoImprovement, Position, StopRule};
use crate::model::Instance;
use crate::schedule::{evaluate, Kpis, ObjectiveParts, Schedule};

/// Iterations per epoch over the whole instance; shared out over components by size.
/// Fixed (not derived from time or threads) so that runs are reproducible.
const EPOCH_ITERATIONS: u64 = 20_000;

/// Late acceptance history on small components (the default): measured better than
/// 1,000 on the irregular small family at the iterations a 6 s solve runs.
pub const SMALL_LATE_HISTORY: usize = 300;
/// Late acceptance history on large components (the default; nanjing, jiangsu).
pub const LARGE_LATE_HISTORY: usize = 1000;

/// Which acceptance criterion the search members use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AcceptanceKind {
    /// Late acceptance hill climbing with this history length.
    LateAcceptance(usize),
    /// Late acceptance hill climbing with history `small` on components of at most
    /// `member::SMALL_TEAM_SLOTS` team-slots and `large` above (the default: 300 and
    /// 1,000; see docs/solver.md for the measurement behind the shorter small history).
    LateAcceptanceBySize {
        /// History on small components.
        small: usize,
        /// History on large components.
        large: usize,
    },
    /// Simulated annealing: start temperature as a share of the start objective, and
    /// the cooling factor per iteration.
    Annealing(f64, f64),
}

/// Where a running solve stands; passed to the progress callback between epochs.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Time since `solve` was called.
    pub elapsed: Duration,
    /// Iterations run so far (over all members).
    pub iterations: u64,
    /// Objective of the best schedule so far.
    pub objective: f64,
    /// The upper bound, when known.
    pub bound: Option<f64>,
    /// `(bound - objective) / bound`, when the bound is known.
    pub gap: Option<f64>,
}

/// Counters of a finished solve.
#[derive(Debug, Clone, Default)]
pub struct SolveStats {
    /// Iterations run (one move each), over all members.
    pub iterations: u64,
    /// Moves that kept every rule and were scored.
    pub moves_evaluated: u64,
    /// Moves accepted.
    pub accepted: u64,
    /// Wall time of the whole solve.
    pub elapsed_ms: u64,
    /// Wall time of the construction (first feasible schedule).
    pub construct_ms: u64,
    /// Objective of the constructed schedule.
    pub construct_objective: f64,
    /// Independent components solved.
    pub components: usize,
    /// Portfolio members per component.
    pub members: usize,
    /// Epochs run.
    pub epochs: u64,
    /// Threads used.
    pub threads: usize,
    /// Warm-start shifts dropped because they broke a rule (`usize::MAX` when a
    /// component's warm start had to be abandoned to meet the requirements).
    pub warm_dropped: usize,
    /// The objective as tracked by the search (checked against the evaluator).
    pub search_objective: f64,
    /// Restarts from an elite schedule (small components only).
    pub restarts: u64,
    /// Per-move counters over all members (see [`MoveStats::named`]).
    pub moves: MoveStats,
}

/// What [`Solver::solve`] returns.
#[derive(Debug, Clone)]
pub struct SolveOutcome {
    /// The best feasible schedule found.
    pub schedule: Schedule,
    /// Its objective, as scored by the evaluator ([`crate::schedule::evaluate`]).
    pub objective: ObjectiveParts,
    /// Its KPIs, from the evaluator.
    pub kpis: Kpis,
    /// The upper bound given to the solver, if any.
    pub bound: Option<f64>,
    /// `(bound - total) / bound`, when a positive bound is known.
    pub gap: Option<f64>,
    /// Counters.
    pub stats: SolveStats,
}

/// Why no schedule was returned.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// Some minimum-patrol requirement could not be met.
    #[error("no feasible schedule found; unmet requirements:\n{}", render(.0))]
    Infeasible(Vec<UnmetRequirement>),
    /// The time limit or the cancel button stopped the construction before every
    /// minimum-patrol requirement was placed: there is no feasible schedule to return.
    #[error("stopped (time limit or cancel) before a feasible schedule was found: the minimum-patrol requirements were not all placed yet; allow more time")]
    Stopped,
    /// The evaluator disagrees with the search (a bug: please report it).
    #[error("internal error: {0}")]
    Internal(String),
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker thread(s): {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// The cause.
        message: String,
    },
}

fn render(u: &[UnmetRequirement]) -> String {
    u.iter()
        .map(|x| format!("  {x}"))
        .collect::<Vec<_>>()
        .join("\n")
}

type ProgressFn<'a> = Box<dyn FnMut(&Progress) + 'a>;

/// A configured solve of one instance.
///
/// ```
/// use patrolplan::{Instance, Solver};
///
/// let inst = Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap();
/// let out = Solver::new(&inst).seed(7).iterations(2_000).threads(1).solve().unwrap();
/// assert!(out.objective.total > 0.0);
/// assert_eq!(out.schedule.shifts.len(), inst.teams().len());
/// ```
pub struct Solver<'a> {
    inst: &'a Instance,
    seed: u64,
    threads: usize,
    time_limit: Option<Duration>,
    iterations: Option<u64>,
    no_improvement: Option<u64>,
    warm: Option<&'a Schedule>,
    progress: Option<ProgressFn<'a>>,
    cancel: CancelToken,
    bound: Option<f64>,
    members: Option<usize>,
    acceptance: AcceptanceKind,
    full_assert_every: u64,
    repair: bool,
}

impl<'a> Solver<'a> {
    /// A solver with defaults: seed 0, one thread, 10 s, late acceptance.
    pub fn new(inst: &'a Instance) -> Solver<'a> {
        Solver {
            inst,
            seed: 0,
            threads: 1,
            time_limit: Some(Duration::from_secs(10)),
            iterations: None,
            no_improvement: None,
            warm: None,
            progress: None,
            cancel: CancelToken::new(),
            bound: None,
            members: None,
            acceptance: AcceptanceKind::LateAcceptanceBySize {
                small: SMALL_LATE_HISTORY,
                large: LARGE_LATE_HISTORY,
            },
            full_assert_every: if cfg!(debug_assertions) { 5_000 } else { 0 },
            repair: true,
        }
    }

    /// Seed of every random stream (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Worker threads (default 1; 0 means one per core). The schedule does not depend
    /// on it when the run is bounded by iterations.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Wall-clock limit (`None`: no limit; then set an iteration budget).
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Whether a construction that cannot place every minimum-patrol requirement hands
    /// over to the relaxed search to repair it (default: yes). Off, the unmet
    /// requirements are reported at once: that is what the preset generator asks
    /// ("which requirements does the construction meet?"), and the repair of a draft
    /// with an unmeetable requirement would search in vain until its cap.
    pub fn repair(mut self, on: bool) -> Self {
        self.repair = on;
        self
    }

    /// Iteration budget per portfolio member, shared over components by size.
    pub fn iterations(mut self, n: u64) -> Self {
        self.iterations = Some(n);
        self
    }

    /// Stops after this many iterations (per member) without a better schedule.
    pub fn no_improvement(mut self, n: u64) -> Self {
        self.no_improvement = Some(n);
        self
    }

    /// Starts from this schedule; shifts that break a rule are dropped, then the
    /// construction completes it.
    pub fn warm_start(mut self, schedule: &'a Schedule) -> Self {
        self.warm = Some(schedule);
        self
    }

    /// Called between epochs (and once after construction) with the progress.
    pub fn on_progress(mut self, f: impl FnMut(&Progress) + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// A cancel button (see [`CancelToken`]).
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// A proven upper bound, reported with the gap.
    pub fn bound(mut self, bound: Option<f64>) -> Self {
        self.bound = bound;
        self
    }

    /// Portfolio members per component (default: 2 for one component, else 1).
    pub fn members(mut self, members: usize) -> Self {
        self.members = Some(members.max(1));
        self
    }

    /// Acceptance criterion.
    pub fn acceptance(mut self, kind: AcceptanceKind) -> Self {
        self.acceptance = kind;
        self
    }

    /// Recompute and check everything every `n` iterations, panicking on a mismatch
    /// (0: never; debug builds default to 5,000).
    pub fn full_assert_every(mut self, n: u64) -> Self {
        self.full_assert_every = n;
        self
    }

    /// Runs the solve.
    pub fn solve(mut self) -> Result<SolveOutcome, SolveError> {
        let start = Instant::now();
        let threads = if self.threads == 0 {
            rayon::current_num_threads()
        } else {
            self.threads
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| SolveError::Threads {
                threads,
                message: e.to_string(),
            })?;
        let ctx = Context::new(self.inst);
        let comps = components(self.inst);
        // Each component's states hold only its own regions and posts.
        let layout = Layout::new(&ctx, &comps);
        let deadline = self.time_limit.map(|d| start + d);
        let mut interrupt = AnyOf::default().with(Cancelled(self.cancel.clone()));
        if let Some(d) = deadline {
            interrupt = interrupt.with(Deadline(d));
        }
        let warm = self.warm;
        let built: Vec<(Result<(), ConstructError>, State, usize)> = pool.install(|| {
            comps
                .par_iter()
                .enumerate()
                .map(|(c, teams)| {
                    let mut st = State::in_component(&ctx, teams.clone(), &layout, c);
                    let mut sc = Scratch::default();
                    let mut dropped = warm.map_or(0, |w| load_warm(&mut st, w));
                    let mut res = construct(&mut st, &mut sc, &interrupt);
                    let unmet =
                        |r: &Result<(), ConstructError>| matches!(r, Err(ConstructError::Unmet(_)));
                    if unmet(&res) && warm.is_some() {
                        // The warm start leaves no room for a requirement: start afresh.
                        st = State::in_component(&ctx, teams.clone(), &layout, c);
                        dropped = usize::MAX;
                        res = construct(&mut st, &mut sc, &interrupt);
                    }
                    if unmet(&res) && self.repair {
                        // Greedy choices blocked a requirement: let the search repair.
                        let seed = mix(self.seed, u64::MAX, teams[0] as u64);
                        if repair_breaches(&mut st, seed, &interrupt) {
                            fill(&mut st, &mut sc, &interrupt);
                            res = Ok(());
                        } else if interrupt.stop(&Position::default()) {
                            res = Err(ConstructError::Stopped);
                        }
                    }
                    (res, st, dropped)
                })
                .collect()
        });
        let mut unmet = unreachable_requirements(&ctx);
        let mut stats = SolveStats {
            components: comps.len(),
            threads,
            ..SolveStats::default()
        };
        let mut states = Vec::with_capacity(built.len());
        let mut stopped = false;
        for (res, st, dropped) in built {
            match res {
                Err(ConstructError::Unmet(u)) => unmet.extend(u),
                Err(ConstructError::Stopped) => stopped = true,
                Ok(()) => {}
            }
            stats.warm_dropped = stats.warm_dropped.saturating_add(dropped);
            states.push(st);
        }
        if stopped {
            return Err(SolveError::Stopped);
        }
        if !unmet.is_empty() {
            return Err(SolveError::Infeasible(unmet));
        }
        stats.construct_ms = start.elapsed().as_millis() as u64;
        stats.construct_objective = states.iter().map(|s| s.score.total()).sum();
        // The mobile polish after the search needs its time (see `mobile`).
        if let Some(end) = super::mobile::reserve(&states, deadline, threads) {
            interrupt = interrupt.with(Deadline(end));
        }
        let members_per = self.members.unwrap_or(if comps.len() > 1 { 1 } else { 2 });
        stats.members = members_per;
        let sizes: Vec<u64> = comps
            .iter()
            .map(|c| {
                c.iter()
                    .map(|&k| self.inst.teams()[k].available_slots() as u64)
                    .sum::<u64>()
                    .max(1)
            })
            .collect();
        let total_size: u64 = sizes.iter().sum::<u64>().max(1);
        let share =
            |n: u64, c: usize| ((n as u128 * sizes[c] as u128) / total_size as u128).max(1) as u64;
        let epoch: Vec<u64> = (0..comps.len())
            .map(|c| share(EPOCH_ITERATIONS, c))
            .collect();
        let mut remaining: Vec<u64> = (0..comps.len())
            .map(|c| {
                self.iterations
                    .map_or(u64::MAX, |n| if n == 0 { 0 } else { share(n, c) })
            })
            .collect();
        let mut members: Vec<(usize, Member)> = Vec::new();
        for (c, st) in states.into_iter().enumerate() {
            for m in 0..members_per {
                let small = st.teams.len() * st.ctx.slots <= super::member::SMALL_TEAM_SLOTS;
                let accept = self.make_acceptance(st.score.total(), small);
                let mut member =
                    Member::new(st.clone(), mix(self.seed, c as u64, m as u64), accept);
                member.full_assert_every = self.full_assert_every;
                member.set_deadline(deadline);
                members.push((c, member));
            }
        }
        let mut stop = AnyOf::default();
        if let Some(n) = self.iterations {
            stop = stop.with(IterationBudget(n));
        }
        if let Some(n) = self.no_improvement {
            stop = stop.with(NoImprovement(n));
        }
        let mut at = Position::default();
        let mut best_so_far = stats.construct_objective;
        self.report(start, 0, best_so_far);
        while remaining.iter().any(|&r| r > 0) && !interrupt.stop(&at) && !stop.stop(&at) {
            let budgets: Vec<u64> = members
                .iter()
                .map(|(c, _)| epoch[*c].min(remaining[*c]))
                .collect();
            pool.install(|| {
                members
                    .par_iter_mut()
                    .zip(budgets.par_iter())
                    .for_each(|((_, m), &b)| {
                        m.run(b, &interrupt, &at);
                        m.checkpoint();
                    })
            });
            for (c, r) in remaining.iter_mut().enumerate() {
                *r = r.saturating_sub(epoch[c]);
            }
            stats.epochs += 1;
            merge(&mut members, comps.len());
            let total = component_bests(&members, comps.len()).iter().sum::<f64>();
            at.iterations += EPOCH_ITERATIONS;
            if total > best_so_far + 1e-9 * best_so_far.abs().max(1.0) {
                best_so_far = total;
                at.since_improvement = 0;
            } else {
                at.since_improvement += EPOCH_ITERATIONS;
            }
            let iters = members.iter().map(|(_, m)| m.stats.iterations).sum();
            self.report(start, iters, total);
        }
        // A budget of 0 asks for the construction alone (the preset generator's check).
        if self.iterations != Some(0) {
            pool.install(|| {
                super::mobile::polish_members(&mut members, comps.len(), self.seed, deadline)
            });
        }
        self.finish(start, members, comps.len(), stats)
    }

    fn make_acceptance(&self, start_objective: f64, small: bool) -> Box<dyn Acceptance + 'a> {
        match self.acceptance {
            AcceptanceKind::LateAcceptance(len) => Box::new(LateAcceptance::new(len)),
            AcceptanceKind::LateAcceptanceBySize { small: s, large: l } => {
                Box::new(LateAcceptance::new(if small { s } else { l }))
            }
            AcceptanceKind::Annealing(share, cooling) => Box::new(SimulatedAnnealing::new(
                share * start_objective.abs(),
                cooling,
            )),
        }
    }

    fn report(&mut self, start: Instant, iterations: u64, objective: f64) {
        let bound = self.bound;
        if let Some(f) = self.progress.as_mut() {
            f(&Progress {
                elapsed: start.elapsed(),
                iterations,
                objective,
                bound,
                gap: gap(bound, objective),
            });
        }
    }

    fn finish(
        &mut self,
        start: Instant,
        members: Vec<(usize, Member)>,
        n_comps: usize,
        mut stats: SolveStats,
    ) -> Result<SolveOutcome, SolveError> {
        let mut schedule = Schedule::empty(self.inst);
        let mut tracked = Score::default();
        for c in 0..n_comps {
            let best = members
                .iter()
                .filter(|(mc, _)| *mc == c)
                .map(|(_, m)| m)
                .fold(None::<&Member>, |acc, m| match acc {
                    Some(a) if a.best_total >= m.best_total => Some(a),
                    _ => Some(m),
                })
                .expect("every component has a member");
            best.best.write_into(&mut schedule);
            let sc = best.best.recompute_score();
            tracked.presence += sc.presence;
            tracked.response += sc.response;
            tracked.backup += sc.backup;
        }
        stats.moves = MoveStats::new();
        for (_, m) in &members {
            stats.iterations += m.stats.iterations;
            stats.moves_evaluated += m.stats.moves_evaluated;
            stats.accepted += m.stats.accepted;
            stats.restarts += m.stats.restarts;
            stats.moves.add(&m.stats.moves);
        }
        stats.search_objective = tracked.total();
        let eval = evaluate(self.inst, &schedule);
        if !eval.feasible {
            let first: Vec<String> = eval
                .violations
                .iter()
                .take(5)
                .map(|v| v.to_string())
                .collect();
            return Err(SolveError::Internal(format!(
                "the evaluator finds {} breach(es) in the solver's schedule: {}",
                eval.violations.len(),
                first.join("; ")
            )));
        }
        let total = eval.objective.total;
        if (total - tracked.total()).abs() > 1e-6 * total.abs().max(1.0) {
            return Err(SolveError::Internal(format!(
                "the evaluator scores {total} but the search tracked {}",
                tracked.total()
            )));
        }
        stats.elapsed_ms = start.elapsed().as_millis() as u64;
        self.report(start, stats.iterations, total);
        Ok(SolveOutcome {
            schedule,
            objective: eval.objective,
            kpis: eval.kpis,
            bound: self.bound,
            gap: gap(self.bound, total),
            stats,
        })
    }
}

/// `(bound - objective) / bound` for a positive bound.
pub fn gap(bound: Option<f64>, objective: f64) -> Option<f64> {
    bound
        .filter(|b| *b > 0.0)
        .map(|b| ((b - objective) / b).max(0.0))
}

/// A member's seed from the run's seed, its component and its index (splitmix64), so
/// that streams differ and do not depend on the thread count.
fn mix(seed: u64, comp: u64, member: u64) -> u64 {
    let mut z = seed
        ^ comp.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ member.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn component_bests(members: &[(usize, Member)], n_comps: usize) -> Vec<f64> {
    let mut best = vec![f64::NEG_INFINITY; n_comps];
    for (c, m) in members {
        best[*c] = best[*c].max(m.best_total);
    }
    best
}

/// Copies each component's best state to all of its members (first member wins ties).
/// Members of small components stay independent: they diversify on their own (elite
/// pools and restarts), and a merge every epoch would pull them together.
fn merge(members: &mut [(usize, Member)], n_comps: usize) {
    for c in 0..n_comps {
        let idx: Vec<usize> = (0..members.len()).filter(|&i| members[i].0 == c).collect();
        if idx.len() < 2 || members[idx[0]].1.independent() {
            continue;
        }
        let mut win = idx[0];
        for &i in &idx[1..] {
            if members[i].1.best_total > members[win].1.best_total {
                win = i;
            }
        }
        let (state, total) = (members[win].1.best.clone(), members[win].1.best_total);
        for &i in &idx {
            members[i].1.adopt(&state, total);
        }
    }
}

/// Requirements in regions no team can reach at all.
fn unreachable_requirements(ctx: &Context) -> Vec<UnmetRequirement> {
    let inst = ctx.inst;
    let mut reachable = vec![false; inst.regions().len()];
    for k in 0..inst.teams().len() {
        if ctx.patrol[k] {
            for &r in ctx.reach(k) {
                reachable[r as usize] = true;
            }
        }
    }
    let n = ctx.slots;
    let mut out = Vec::new();
    for (r, region) in inst.regions().iter().enumerate() {
        if reachable[r] {
            continue;
        }
        if let Some(s) = (0..n).find(|&s| ctx.req[r * n + s] > 0) {
            out.push(UnmetRequirement {
                region: region.id.clone(),
                slot: s,
                needed: ctx.req[r * n + s] as u32,
                placed: 0,
                cause: "no patrol team can reach it".into(),
            });
        }
    }
    out
}
