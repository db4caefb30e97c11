//! One search member: a state, its random stream, its acceptance criterion, the best
//! state it has seen; and the search loop itself ([`Member::step`]).
//!
//! On small components (at most [`SMALL_TEAM_SLOTS`] team-slots) a member also
//! - alternates strict phases (every rule kept) with relaxed ones, where the coupled
//!   rules (`min_patrol`, `volunteer_escort`, `post_capacity`) may be broken at a
//!   penalty per breach unit that adapts to keep about [`FEASIBLE_TARGET`] of the
//!   visited states feasible (the penalty management of HGS / PyVRP);
//! - records every feasible improvement at once (not only at epoch ends), so the best
//!   is always a schedule that keeps every rule;
//! - keeps an elite pool of its best distinct schedules and, after
//!   [`STALL_ITERATIONS`] iterations without a better one, restarts from the next elite
//!   schedule perturbed by a few random compound moves.
//!
//! Large components (nanjing, the cities of jiangsu) search strictly as before: there
//! the copies of the state these need would cost more than they bring.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::accept::Acceptance;
use super::check::assert_consistent;
use super::moves::{replan_random, ExactSiting};
use super::neighbourhood::{draw, MoveEnv, MoveStats, Stopwatch, TeamClass, MOVES};
use super::ops::Scratch;
use super::pair::PairScratch;
use super::state::State;
use super::stop::{Position, StopRule};

/// Components up to this many team-slots get relaxation, immediate best tracking and
/// elite restarts.
pub const SMALL_TEAM_SLOTS: usize = 20_000;
/// Share of visited states the penalty aims to keep feasible in relaxed phases.
pub const FEASIBLE_TARGET: f64 = 0.5;
/// Iterations over which the feasible share is measured before the penalty adapts.
const PENALTY_WINDOW: u32 = 100;
/// Penalty factor when too few visited states were feasible.
const PENALTY_UP: f64 = 1.3;
/// Penalty factor when enough were.
const PENALTY_DOWN: f64 = 0.85;
/// Iterations of a strict phase, then of a relaxed phase.
const PHASE_ITERATIONS: u64 = 4_000;
/// Iterations without a better schedule before a restart from the elite pool, plus
/// [`STALL_PER_TEAM`] per team of the component.
pub const STALL_ITERATIONS: u64 = 2_000;
/// See [`STALL_ITERATIONS`].
pub const STALL_PER_TEAM: u64 = 200;
/// Schedules kept in the elite pool.
pub(crate) const ELITE_SIZE: usize = 5;
/// Most teams pushed out of their best response when restarting from an elite schedule.
const KICK_TEAMS: usize = 3;

/// Counters of one member.
#[derive(Debug, Clone, Default)]
pub struct MemberStats {
    /// Iterations run (one move each).
    pub iterations: u64,
    /// Moves that kept every rule and were scored.
    pub moves_evaluated: u64,
    /// Moves accepted.
    pub accepted: u64,
    /// Restarts from the elite pool.
    pub restarts: u64,
    /// Per-move counters.
    pub moves: MoveStats,
}

/// A search member.
#[derive(Debug)]
pub struct Member<'c> {
    /// The current state.
    pub st: State<'c>,
    /// The best feasible state seen, and its objective.
    pub best: State<'c>,
    /// Objective of `best`.
    pub best_total: f64,
    rng: ChaCha8Rng,
    accept: Box<dyn Acceptance + 'c>,
    sc: Scratch,
    ps: PairScratch,
    patrol: Vec<usize>,
    mobile: Vec<usize>,
    team_buf: Vec<usize>,
    exact: ExactSiting,
    small: bool,
    /// Penalty bookkeeping: feasible states seen and states seen in the window.
    window: (u32, u32),
    /// The relaxed phase's penalty (kept while strict).
    penalty: f64,
    since_best: u64,
    stall: u64,
    elite: Vec<(f64, State<'c>)>,
    next_elite: usize,
    /// Counters.
    pub stats: MemberStats,
    /// Recompute and check everything every this many iterations (0: never).
    pub full_assert_every: u64,
}

impl<'c> Member<'c> {
    /// A member starting from `st` (feasible), with its own seeded random stream.
    pub fn new(st: State<'c>, seed: u64, accept: Box<dyn Acceptance + 'c>) -> Member<'c> {
        let (mobile, patrol): (Vec<usize>, Vec<usize>) = (0..st.teams.len())
            .filter(|&li| !st.ctx.reach(st.teams[li]).is_empty())
            .partition(|&li| !st.ctx.patrol[st.teams[li]]);
        let small = st.teams.len() * st.ctx.slots <= SMALL_TEAM_SLOTS;
        let worked: u64 = st.worked.iter().map(|&w| u64::from(w)).sum();
        // A breach costs about what one team-slot earns on average.
        let penalty = (st.score.total() / worked.max(1) as f64).max(1e-6);
        let stall = STALL_ITERATIONS + STALL_PER_TEAM * st.teams.len() as u64;
        let elite = if small {
            vec![(st.score.total(), st.clone())]
        } else {
            Vec::new()
        };
        Member {
            best_total: st.score.total(),
            best: st.clone(),
            st,
            rng: ChaCha8Rng::seed_from_u64(seed),
            accept,
            sc: Scratch::default(),
            ps: PairScratch::default(),
            patrol,
            mobile,
            team_buf: Vec::new(),
            exact: ExactSiting::default(),
            small,
            window: (0, 0),
            penalty,
            since_best: 0,
            stall,
            elite,
            next_elite: 0,
            stats: MemberStats {
                moves: MoveStats::new(),
                ..MemberStats::default()
            },
            full_assert_every: 0,
        }
    }

    /// Runs up to `budget` iterations (fewer when `stop` fires; it is asked every 32
    /// moves with the run's position at the start of the epoch); returns how many ran.
    pub fn run(&mut self, budget: u64, stop: &dyn StopRule, at: &Position) -> u64 {
        if self.patrol.is_empty() && self.mobile.is_empty() {
            return 0;
        }
        let mut done = 0;
        while done < budget && !(done % 32 == 0 && stop.stop(at)) {
            self.step();
            done += 1;
        }
        done
    }

    /// One iteration: draw a team and a move, apply it, accept or roll back, count.
    pub fn step(&mut self) {
        let (li, class) = self.draw_team();
        let m = draw(&mut self.rng, class, !self.small);
        let (before, before_score) = (self.st.penalised(), self.st.score);
        let watch = Stopwatch::start();
        self.exact.credit();
        self.st.begin();
        let mut env = MoveEnv {
            sc: &mut self.sc,
            ps: &mut self.ps,
            rng: &mut self.rng,
            teams: &mut self.team_buf,
            exact: &mut self.exact,
        };
        let applied = MOVES[m].apply(&mut self.st, &mut env, li);
        let counts = &mut self.stats.moves.0[m];
        counts.tried += 1;
        if applied {
            counts.applied += 1;
            self.stats.moves_evaluated += 1;
            let now = self.st.penalised();
            let better = now > before + 1e-9 * before.abs().max(1.0);
            counts.improved += u64::from(better);
            if self.accept.accept(before, now, &mut self.rng) {
                counts.accepted += 1;
                if better {
                    counts.gain += now - before;
                }
                self.stats.accepted += 1;
                self.st.commit();
            } else {
                self.st.rollback(before_score);
            }
        } else {
            self.st.rollback(before_score);
        }
        counts.nanos += watch.nanos();
        self.accept.record(self.st.penalised());
        self.stats.iterations += 1;
        if self.small {
            self.diversify(m);
        }
        if self.full_assert_every > 0 && self.stats.iterations % self.full_assert_every == 0 {
            assert_consistent(
                &self.st,
                &format!("after iteration {}", self.stats.iterations),
            );
        }
    }

    /// A random team and its class. Half the draws go to mobile teams when there are
    /// both kinds: they are few, but cover is worth as much as presence, which
    /// saturates where many patrol teams can reach.
    fn draw_team(&mut self) -> (usize, TeamClass) {
        let pool =
            if self.mobile.is_empty() || (!self.patrol.is_empty() && self.rng.random_bool(0.5)) {
                &self.patrol
            } else {
                &self.mobile
            };
        let li = pool[self.rng.random_range(0..pool.len())];
        let ctx = self.st.ctx;
        let k = self.st.teams[li];
        let class = if !ctx.patrol[k] {
            TeamClass::Mobile
        } else if ctx.escort && ctx.volunteer[k] {
            TeamClass::Volunteer
        } else {
            TeamClass::Patrol
        };
        (li, class)
    }

    /// Small components: the best and the elite pool, the penalty, the phases, restarts
    /// (`m`: the move just tried, credited with a new best).
    fn diversify(&mut self, m: usize) {
        let total = self.st.score.total();
        if self.st.feasible() && total > self.best_total + 1e-9 * total.abs().max(1.0) {
            let counts = &mut self.stats.moves.0[m];
            counts.best += 1;
            counts.best_gain += total - self.best_total;
            self.best.clone_from(&self.st);
            self.best_total = total;
            self.since_best = 0;
            self.offer_elite();
        } else {
            self.since_best += 1;
        }
        if self.st.relaxed {
            self.window.0 += u32::from(self.st.feasible());
            self.window.1 += 1;
            if self.window.1 >= PENALTY_WINDOW {
                let share = f64::from(self.window.0) / f64::from(self.window.1);
                let f = if share < FEASIBLE_TARGET {
                    PENALTY_UP
                } else {
                    PENALTY_DOWN
                };
                self.penalty = (self.penalty * f).clamp(1e-9, 1e12);
                self.st.penalty = self.penalty;
                self.window = (0, 0);
            }
        }
        if self.since_best >= self.stall && !self.elite.is_empty() {
            self.restart();
        } else if self.stats.iterations % PHASE_ITERATIONS == 0 {
            let relax = !self.st.relaxed;
            self.set_relaxed(relax);
        }
    }

    /// Switches between strict and relaxed search; an infeasible state becomes strict
    /// by returning to the best.
    fn set_relaxed(&mut self, relaxed: bool) {
        if !relaxed && !self.st.feasible() {
            self.st.clone_from(&self.best);
        }
        self.st.relaxed = relaxed;
        self.st.penalty = self.penalty;
    }

    /// Adds the current (feasible) state to the elite pool when it is better than the
    /// pool's worst and no member of the pool has the same objective.
    fn offer_elite(&mut self) {
        let total = self.st.score.total();
        let same = |v: f64| (v - total).abs() <= 1e-9 * total.abs().max(1.0);
        if self.elite.iter().any(|(v, _)| same(*v)) {
            return;
        }
        if self.elite.len() < ELITE_SIZE {
            self.elite.push((total, self.st.clone()));
        } else if let Some(w) =
            (0..self.elite.len()).min_by(|&a, &b| self.elite[a].0.total_cmp(&self.elite[b].0))
        {
            if self.elite[w].0 < total {
                self.elite[w].0 = total;
                self.elite[w].1.clone_from(&self.st);
            }
        }
    }

    /// Restarts from the next elite schedule: one to [`KICK_TEAMS`] random teams are
    /// planned again from a random shift (always kept), in relaxed mode half the time,
    /// then the search resumes from there (iterated local search).
    fn restart(&mut self) {
        self.stats.restarts += 1;
        self.since_best = 0;
        let e = self.next_elite % self.elite.len();
        self.next_elite += 1;
        self.st.clone_from(&self.elite[e].1);
        let relax = self.rng.random_bool(0.5);
        self.set_relaxed(relax);
        let kicks = self.rng.random_range(1..=KICK_TEAMS);
        for _ in 0..kicks {
            let (li, _) = self.draw_team();
            let before = self.st.score;
            self.st.begin();
            if replan_random(&mut self.st, &mut self.sc, &mut self.rng, li, 1.0)
                && (self.st.relaxed || self.st.feasible())
            {
                self.st.commit();
            } else {
                self.st.rollback(before);
            }
        }
        self.accept.reset(self.st.penalised());
    }

    /// Records the current state as the best when it is better and feasible (called at
    /// epoch ends; small components also record at once). The score is first recomputed
    /// so that float drift never accumulates across epochs.
    pub fn checkpoint(&mut self) {
        self.st.score = self.st.recompute_score();
        if self.st.feasible() && self.st.score.total() > self.best_total {
            self.best_total = self.st.score.total();
            self.best.clone_from(&self.st);
        }
    }

    /// Searches relaxed at a fixed `penalty` per breach until the state keeps every
    /// rule (true, the state then strict) or `budget` iterations or `stop` run out.
    pub fn repair(
        &mut self,
        penalty: f64,
        budget: u64,
        stop: &dyn StopRule,
        at: &Position,
    ) -> bool {
        let small = self.small;
        self.small = false;
        self.st.relaxed = true;
        self.st.penalty = penalty;
        self.accept.reset(self.st.penalised());
        let mut done = 0;
        while !self.st.feasible() && done < budget && !(done % 32 == 0 && stop.stop(at)) {
            self.step();
            done += 1;
        }
        self.small = small;
        self.st.relaxed = false;
        self.st.feasible()
    }

    /// The run's deadline, if any: an exact re-site never runs past it (without one,
    /// its node limit alone bounds it and the run stays reproducible).
    pub fn set_deadline(&mut self, deadline: Option<std::time::Instant>) {
        self.exact.deadline = deadline;
    }

    /// Whether the member diversifies on its own (small components): the driver then
    /// does not merge it with the others of its component.
    pub fn independent(&self) -> bool {
        self.small
    }

    /// Restarts the current state from `from` (a portfolio merge), in the member's mode.
    pub fn adopt(&mut self, from: &State<'c>, total: f64) {
        let relaxed = self.st.relaxed;
        self.st.clone_from(from);
        self.st.relaxed = relaxed;
        self.st.penalty = self.penalty;
        if total > self.best_total {
            self.best.clone_from(from);
            self.best_total = total;
            self.since_best = 0;
        }
    }
}
