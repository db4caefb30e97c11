//! One search member: a state, its random stream, its acceptance criterion and the best
//! state it has seen; and the search loop itself.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::accept::Acceptance;
use super::cancel::CancelToken;
use super::check::assert_consistent;
use super::moves::{destroy_repair, replan, reroute, resite_slot, retime};

/// Share (per mille) of mobile-team moves that re-site a whole slot.
const RESITE_PER_MILLE: u32 = 5;
use super::ops::Scratch;
use super::pair::{escort_insert, escort_reroute, replan_pair, settle, PairScratch};
use super::state::State;

/// Per cent of a volunteer's moves that reroute it with an escort.
const PAIR_REROUTE: u32 = 15;
/// Per cent of a volunteer's moves that reroute or insert it with an escort.
const PAIR_INSERT: u32 = 25;
/// Per cent of a volunteer's moves that are pair moves (reroute or replan).
const PAIR_MOVES: u32 = 35;

/// When the search must stop regardless of its iteration budget.
#[derive(Debug, Clone)]
pub struct StopRule {
    /// Wall-clock deadline.
    pub deadline: Option<Instant>,
    /// Cancel button.
    pub cancel: CancelToken,
}

impl StopRule {
    /// Whether the deadline passed or the cancel button was pressed.
    pub fn now(&self) -> bool {
        self.cancel.is_cancelled() || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Counters of one member.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberStats {
    /// Iterations run (one move each).
    pub iterations: u64,
    /// Moves that kept every rule and were scored.
    pub moves_evaluated: u64,
    /// Moves accepted.
    pub accepted: u64,
}

/// A search member.
#[derive(Debug)]
pub struct Member<'c> {
    /// The current state.
    pub st: State<'c>,
    /// The best state seen at an epoch boundary, and its objective.
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
    /// Counters.
    pub stats: MemberStats,
    /// Recompute and check everything every this many iterations (0: never).
    pub full_assert_every: u64,
}

impl<'c> Member<'c> {
    /// A member starting from `st`, with its own seeded random stream.
    pub fn new(st: State<'c>, seed: u64, accept: Box<dyn Acceptance + 'c>) -> Member<'c> {
        let (mobile, patrol): (Vec<usize>, Vec<usize>) = (0..st.teams.len())
            .filter(|&li| !st.ctx.reach(st.teams[li]).is_empty())
            .partition(|&li| !st.ctx.patrol[st.teams[li]]);
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
            stats: MemberStats::default(),
            full_assert_every: 0,
        }
    }

    /// Runs up to `budget` iterations (fewer when `stop` fires); returns how many ran.
    pub fn run(&mut self, budget: u64, stop: &StopRule) -> u64 {
        if self.patrol.is_empty() && self.mobile.is_empty() {
            return 0;
        }
        let mut done = 0;
        while done < budget {
            if done % 32 == 0 && stop.now() {
                break;
            }
            let before = self.st.score;
            self.st.begin();
            if self.random_move() {
                self.stats.moves_evaluated += 1;
                let now = self.st.score.total();
                if self.accept.accept(before.total(), now, &mut self.rng) {
                    self.stats.accepted += 1;
                    self.st.commit();
                } else {
                    self.st.rollback(before);
                }
            } else {
                self.st.rollback(before);
            }
            self.accept.record(self.st.score.total());
            done += 1;
            self.stats.iterations += 1;
            if self.full_assert_every > 0 && self.stats.iterations % self.full_assert_every == 0 {
                assert_consistent(
                    &self.st,
                    &format!("after iteration {}", self.stats.iterations),
                );
            }
        }
        done
    }

    /// Applies one random move; false when it was not legal (the caller rolls back).
    fn random_move(&mut self) -> bool {
        // Half the moves go to mobile teams: they are few, but cover is worth as much as
        // presence, which saturates where many patrol teams can reach.
        let pool =
            if self.mobile.is_empty() || (!self.patrol.is_empty() && self.rng.random_bool(0.5)) {
                &self.patrol
            } else {
                &self.mobile
            };
        let li = pool[self.rng.random_range(0..pool.len())];
        let (st, sc, rng) = (&mut self.st, &mut self.sc, &mut self.rng);
        let k = st.teams[li];
        if st.ctx.escort && st.ctx.volunteer[k] {
            // A volunteer and its escort can only move to a better region together.
            match rng.random_range(0..100) {
                0..PAIR_REROUTE => {
                    return escort_reroute(st, sc, &mut self.ps, rng, li)
                        && (rng.random_bool(0.5) || settle(st, sc, rng, li));
                }
                PAIR_REROUTE..PAIR_INSERT => {
                    return escort_insert(st, sc, &mut self.ps, rng, li)
                        && (rng.random_bool(0.5) || settle(st, sc, rng, li));
                }
                PAIR_INSERT..PAIR_MOVES => return replan_pair(st, sc, rng, li),
                _ => {}
            }
        }
        if !st.ctx.patrol[k] && rng.random_range(0..1000) < RESITE_PER_MILLE {
            return resite_slot(st, rng, li);
        }
        match rng.random_range(0..100) {
            0..45 => reroute(st, sc, rng, li),
            45..88 => retime(st, sc, rng, li),
            88..98 => replan(st, sc, rng, li),
            _ => destroy_repair(st, sc, rng, li, 24, &mut self.team_buf),
        }
    }

    /// Records the current state as the best when it is better (called at epoch ends so
    /// that the copy is paid once per epoch, not once per improving move). The score is
    /// first recomputed so that float drift never accumulates across epochs.
    pub fn checkpoint(&mut self) {
        self.st.score = self.st.recompute_score();
        if self.st.score.total() > self.best_total {
            self.best_total = self.st.score.total();
            self.best.clone_from(&self.st);
        }
    }

    /// Restarts the current state from `from` (a portfolio merge).
    pub fn adopt(&mut self, from: &State<'c>, total: f64) {
        self.st.clone_from(from);
        if total > self.best_total {
            self.best.clone_from(from);
            self.best_total = total;
        }
    }
}
