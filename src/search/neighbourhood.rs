//! Every move of the search in one shape ([`Move`]: a name and an `apply` that changes
//! the state through its journal, so the loop accepts or rolls back), one table of
//! weights per kind of team ([`WEIGHTS`]), and per-move statistics ([`MoveStats`]).
//! `docs/solver.md` says how the weights were set from the statistics.

use std::time::Instant;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::compound::{handover, swap_plans};
use super::interchange::interchange;
use super::joint::joint_replan;
use super::moves::{
    destroy_repair, replan, reroute, resite_exact, resite_slot, retime, ExactSiting,
};
use super::ops::Scratch;
use super::pair::{escort_insert, escort_reroute, replan_pair, settle, PairScratch};
use super::reassign::reassign_slot;
use super::state::State;
use super::swap_shift::swap_shift;

/// What a move may use besides the state: scratch buffers and the member's random
/// stream.
#[derive(Debug)]
pub struct MoveEnv<'e> {
    /// Team-level scratch.
    pub sc: &'e mut Scratch,
    /// Pair-move scratch.
    pub ps: &'e mut PairScratch,
    /// The member's random stream.
    pub rng: &'e mut ChaCha8Rng,
    /// A list of local teams (scratch).
    pub teams: &'e mut Vec<usize>,
    /// The exact re-site's memo and work budget.
    pub exact: &'e mut ExactSiting,
}

/// One move of the local search.
pub trait Move: Sync + std::fmt::Debug {
    /// Short name, for statistics.
    fn name(&self) -> &'static str;
    /// Changes `st` around local team `li` (every change journaled); false when the move
    /// does not apply or would break a rule it must keep (the caller rolls back).
    fn apply(&self, st: &mut State, env: &mut MoveEnv, li: usize) -> bool;
}

macro_rules! moves {
    ($($(#[$doc:meta])* $ty:ident = $name:literal, |$st:ident, $env:ident, $li:ident| $body:expr;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl Move for $ty {
                fn name(&self) -> &'static str {
                    $name
                }
                fn apply(&self, $st: &mut State, $env: &mut MoveEnv, $li: usize) -> bool {
                    $body
                }
            }
        )*
        /// Every move, in the order of [`WEIGHTS`].
        pub static MOVES: &[&dyn Move] = &[$(&$ty),*];
    };
}

moves! {
    /// Best route over a shift or a random part of one.
    Reroute = "reroute", |st, env, li| reroute(st, env.sc, env.rng, li);
    /// New window for a shift (shifted, stretched, drawn, best of its gap), or a new shift.
    Retime = "retime", |st, env, li| retime(st, env.sc, env.rng, li);
    /// All of a team's shifts planned again (exactly when the programme is small).
    Replan = "replan", |st, env, li| replan(st, env.sc, env.rng, li);
    /// Destroy and repair around a location and time window (up to 24 teams).
    Repair = "destroy_repair", |st, env, li| destroy_repair(st, env.sc, env.rng, li, 24, env.teams);
    /// Another patrol team takes a region-slot the team holds; the team is planned again.
    Handover = "handover", |st, env, li| handover(st, env.sc, env.rng, li);
    /// Two teams of the same kind exchange their whole plans.
    SwapPlans = "swap_plans", |st, env, li| swap_plans(st, env.rng, li);
    /// Volunteer and escort rerouted together (half the time followed by a settle).
    EscortReroute = "escort_reroute", |st, env, li| escort_reroute(st, env.sc, env.ps, env.rng, li)
        && (env.rng.random_bool(0.5) || settle(st, env.sc, env.rng, li));
    /// A new volunteer shift beside a working professional (half the time settled).
    EscortInsert = "escort_insert", |st, env, li| escort_insert(st, env.sc, env.ps, env.rng, li)
        && (env.rng.random_bool(0.5) || settle(st, env.sc, env.rng, li));
    /// Volunteer dropped, escort replanned towards it, volunteer and escort replanned.
    PairReplan = "pair_replan", |st, env, li| replan_pair(st, env.sc, env.rng, li);
    /// Every mobile team of one slot re-sited together (greedy + Teitz-Bart interchange).
    Resite = "resite_slot", |st, env, li| resite_slot(st, env.rng, li);
    /// One slot's mobile teams sited by the exact branch and bound (small slots only).
    ResiteExact = "resite_exact", |st, env, li| resite_exact(st, env.rng, li, env.exact);
    /// One shift exchanged with what another team of the same kind does meanwhile.
    SwapShift = "swap_shift", |st, env, li| swap_shift(st, env.rng, li);
    /// Teitz-Bart interchange: every working mobile team of one slot against every post.
    Interchange = "interchange", |st, env, li| interchange(st, env.rng, li);
    /// Every patrol team working in one slot re-assigned to regions together, exactly.
    Reassign = "reassign_slot", |st, env, li| reassign_slot(st, env.rng, li);
    /// Two patrol teams' whole plans timed together by one programme over both.
    Joint = "joint_replan", |st, env, li| joint_replan(st, env.sc, env.rng, li);
    /// One slot's mobile teams re-sited by the deep siting (see `mobile`).
    MobilePolish = "mobile_polish", |st, env, li| super::mobile::polish_slot(st, env.rng, li);
    /// A mobile team's whole plan timed again by one programme (see `mobile_timing`).
    MobileRetime = "mobile_retime", |st, env, li| super::mobile_timing::mobile_retime(st, env.sc, li);
}

/// The kinds of team a move is drawn for (columns of [`WEIGHTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamClass {
    /// A professional patrol team (or a volunteer when no escort is needed).
    Patrol = 0,
    /// A volunteer that needs an escort.
    Volunteer = 1,
    /// A mobile team.
    Mobile = 2,
}

/// Weights (per mille, per team class: patrol, escorted volunteer, mobile) of each move
/// in [`MOVES`]; see `docs/solver.md` for how they were set.
pub static WEIGHTS: &[[u32; 3]] = &[
    [420, 270, 440], // reroute
    [400, 260, 420], // retime
    [90, 60, 90],    // replan
    [20, 13, 20],    // destroy_repair
    [50, 30, 0],     // handover
    [20, 17, 20],    // swap_plans
    [0, 150, 0],     // escort_reroute
    [0, 100, 0],     // escort_insert
    [0, 100, 0],     // pair_replan
    [0, 0, 5],       // resite_slot
    [0, 0, 5],       // resite_exact
    [30, 20, 20],    // swap_shift
    [0, 0, 20],      // interchange
    [60, 0, 0],      // reassign_slot
    [80, 0, 0],      // joint_replan
    [0, 0, 0],       // mobile_polish
    [0, 0, 0],       // mobile_retime
];

/// Weights on large components (above `member::SMALL_TEAM_SLOTS` team-slots: nanjing,
/// the cities of jiangsu), set from the per-move statistics on nanjing (a move's share
/// of draws follows its gain per millisecond, times its cost: destroy and repair
/// (7.6 ms a move, 0.003 gain/ms) and the re-site (13 ms, 0.002) took 45 % of the
/// search time for 5 % of the gain, so they are drawn a quarter as often; the exact
/// re-site never applies there). See `docs/solver.md`. The mobile teams' timing
/// programme (`mobile_retime`) was set from nanjing 10 s runs back to back (weight
/// 0 / 150 / 300 / 600: 2,099.9 / 2,104.8 / 2,105.6 / 2,106.0; docs/mobile.md).
pub static WEIGHTS_LARGE: &[[u32; 3]] = &[
    [440, 270, 440], // reroute
    [420, 260, 420], // retime
    [90, 60, 90],    // replan
    [5, 3, 5],       // destroy_repair
    [30, 20, 0],     // handover
    [10, 10, 10],    // swap_plans
    [0, 150, 0],     // escort_reroute
    [0, 100, 0],     // escort_insert
    [0, 100, 0],     // pair_replan
    [0, 0, 1],       // resite_slot
    [0, 0, 0],       // resite_exact
    [20, 15, 20],    // swap_shift
    [0, 0, 10],      // interchange
    [0, 0, 0],       // reassign_slot
    [0, 0, 0],       // joint_replan
    [0, 0, 0],       // mobile_polish
    [0, 0, 400],     // mobile_retime
];

/// Draws a move index for a team class from [`WEIGHTS`] (small components) or
/// [`WEIGHTS_LARGE`].
pub fn draw(rng: &mut ChaCha8Rng, class: TeamClass, large: bool) -> usize {
    let c = class as usize;
    let table = if large { WEIGHTS_LARGE } else { WEIGHTS };
    let total: u32 = table.iter().map(|w| w[c]).sum();
    let mut x = rng.random_range(0..total);
    for (m, w) in table.iter().enumerate() {
        if x < w[c] {
            return m;
        }
        x -= w[c];
    }
    unreachable!("weights sum to total")
}

/// Counters of one move over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct MoveCounts {
    /// Times drawn.
    pub tried: u64,
    /// Times it applied (kept its rules) and was scored.
    pub applied: u64,
    /// Times the result was accepted.
    pub accepted: u64,
    /// Times the result was strictly better than the state before it.
    pub improved: u64,
    /// Time spent applying it and deciding, in nanoseconds.
    pub nanos: u64,
    /// Sum of the objective gained by its accepted improving results (penalised
    /// objective when relaxed).
    pub gain: f64,
    /// Times its result was a new best feasible schedule of the member (small
    /// components, which record every new best at once; 0 on large ones).
    pub best: u64,
    /// Sum of the objective those new bests gained over the previous best.
    pub best_gain: f64,
}

/// Per-move counters, indexed like [`MOVES`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MoveStats(pub Vec<MoveCounts>);

impl MoveStats {
    /// All zero.
    pub fn new() -> MoveStats {
        MoveStats(vec![MoveCounts::default(); MOVES.len()])
    }

    /// Adds another member's counters.
    pub fn add(&mut self, other: &MoveStats) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), MoveCounts::default());
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            a.tried += b.tried;
            a.applied += b.applied;
            a.accepted += b.accepted;
            a.improved += b.improved;
            a.nanos += b.nanos;
            a.gain += b.gain;
            a.best += b.best;
            a.best_gain += b.best_gain;
        }
    }

    /// `(name, counters)` of every move that was tried.
    pub fn named(&self) -> Vec<(&'static str, MoveCounts)> {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, c)| c.tried > 0)
            .map(|(m, c)| (MOVES[m].name(), *c))
            .collect()
    }

    /// One line per move: tried, applied, accepted, improved, time, gain, new bests.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{:<16} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12} {:>7} {:>10}\n",
            "move", "tried", "applied", "accepted", "improved", "ms", "gain", "best", "best_gain"
        );
        for (name, c) in self.named() {
            out += &format!(
                "{name:<16} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12.4} {:>7} {:>10.4}\n",
                c.tried,
                c.applied,
                c.accepted,
                c.improved,
                c.nanos / 1_000_000,
                c.gain,
                c.best,
                c.best_gain
            );
        }
        out
    }
}

/// Serialised as an object: move name -> counters (moves never tried left out).
impl serde::Serialize for MoveStats {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let named = self.named();
        let mut map = ser.serialize_map(Some(named.len()))?;
        for (name, c) in named {
            map.serialize_entry(name, &c)?;
        }
        map.end()
    }
}

/// A started stopwatch for one move.
#[derive(Debug)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    /// Starts it.
    pub fn start() -> Stopwatch {
        Stopwatch(Instant::now())
    }

    /// Nanoseconds since start.
    pub fn nanos(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_weight_row_per_move_and_every_class_has_moves() {
        assert_eq!(WEIGHTS.len(), MOVES.len());
        assert_eq!(WEIGHTS_LARGE.len(), MOVES.len());
        for c in 0..3 {
            assert!(WEIGHTS.iter().map(|w| w[c]).sum::<u32>() > 0);
            assert!(WEIGHTS_LARGE.iter().map(|w| w[c]).sum::<u32>() > 0);
        }
        let mut names: Vec<&str> = MOVES.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MOVES.len());
    }
}
