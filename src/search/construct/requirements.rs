//! Meeting the hard minimum-patrol requirements first, before any shift is placed for
//! value, and saying exactly which requirement cannot be met and why.

use std::fmt;

use crate::search::context::NONE;
use crate::search::ops::{free_gap, max_new_len, remove_run, Scratch};
use crate::search::path::{place, PathSpec};
use crate::search::state::State;
use crate::search::stop::{Position, StopRule};

/// Why the construction returned no feasible schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstructError {
    /// Some requirements could not be met (each one named).
    Unmet(Vec<UnmetRequirement>),
    /// The stop rule (deadline, cancel) fired before every requirement was placed.
    Stopped,
}

/// Shortfalls handled between two looks at the stop rule.
const STOP_CHECK_EVERY: u32 = 16;

/// A minimum-patrol requirement the construction could not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetRequirement {
    /// Region id.
    pub region: String,
    /// First slot that falls short.
    pub slot: usize,
    /// Teams required in that slot.
    pub needed: u32,
    /// Teams placed there.
    pub placed: u32,
    /// Why no further team could be put there.
    pub cause: String,
}

impl fmt::Display for UnmetRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "region {} slot {}: min_patrol needs {} team(s), only {} could be placed: {}",
            self.region, self.slot, self.needed, self.placed, self.cause
        )
    }
}

/// Per region, the local patrol teams whose reach contains it.
pub fn teams_by_region(st: &State) -> Vec<Vec<u32>> {
    let mut by = vec![Vec::new(); st.ctx.inst.regions().len()];
    for (li, &k) in st.teams.iter().enumerate() {
        if st.ctx.patrol[k] {
            for &r in st.ctx.reach(k) {
                by[r as usize].push(li as u32);
            }
        }
    }
    by
}

/// Adds shifts (or moves working teams) until every requirement of the state's
/// regions is met; reports every requirement it could not meet, or that `stop` fired
/// first (asked every [`STOP_CHECK_EVERY`] shortfalls: placing the requirements of a
/// province takes seconds).
pub fn meet_requirements(
    st: &mut State,
    sc: &mut Scratch,
    stop: &dyn StopRule,
) -> Result<(), ConstructError> {
    let ctx = st.ctx;
    let mut handled = 0u32;
    let n = ctx.slots;
    let by_region = teams_by_region(st);
    let mut unmet = Vec::new();
    for (r, cands) in by_region.iter().enumerate() {
        if cands.is_empty() {
            continue;
        }
        let mut s = 0;
        while s < n {
            let i = r * n + s;
            if st.patrols(r as u32, s) >= ctx.req[i] {
                s += 1;
                continue;
            }
            handled = handled.wrapping_add(1);
            if handled % STOP_CHECK_EVERY == 0 && stop.stop(&Position::default()) {
                return Err(ConstructError::Stopped);
            }
            if !add_team(st, sc, cands, r as u32, s) {
                unmet.push(UnmetRequirement {
                    region: ctx.inst.regions()[r].id.clone(),
                    slot: s,
                    needed: ctx.req[i] as u32,
                    placed: st.patrols(r as u32, s) as u32,
                    cause: cause(st, cands, s),
                });
                // Report each shortfall once, then go past this requirement's run.
                while s < n && st.patrols(r as u32, s) < ctx.req[r * n + s] {
                    s += 1;
                }
            }
        }
    }
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(ConstructError::Unmet(unmet))
    }
}

fn cause(st: &State, cands: &[u32], s: usize) -> String {
    let ctx = st.ctx;
    let avail: Vec<usize> = cands
        .iter()
        .map(|&li| li as usize)
        .filter(|&li| ctx.avail_from(st.teams[li], s) > 0)
        .collect();
    if avail.is_empty() {
        return format!(
            "none of the {} team(s) that can reach it is available in that slot",
            cands.len()
        );
    }
    format!(
        "the {} team(s) that can reach it and are available are all busy elsewhere or out of work time (rest, shift length, work limit, hop, escort)",
        avail.len()
    )
}

/// Tries to add one team to region `r` in slot `s`, preferring a new shift that stays
/// through the rest of the shortfall; returns whether it succeeded.
fn add_team(st: &mut State, sc: &mut Scratch, cands: &[u32], r: u32, s: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    let mut short_end = s;
    while short_end < n && st.patrols(r, short_end) < ctx.req[r as usize * n + short_end] {
        short_end += 1;
    }
    // New shifts, best first: most of the shortfall covered, then professionals (they
    // need no escort), then the least flexible team (fewest reachable regions).
    let mut options: Vec<(usize, bool, usize, usize, usize, usize)> = Vec::new();
    for &li in cands {
        let li = li as usize;
        let k = st.teams[li];
        if st.at(li, s) != NONE || ctx.avail_from(k, s) == 0 {
            continue;
        }
        if ctx.volunteer[k] && ctx.escort && st.professionals(r, s) == 0 {
            continue;
        }
        let Some((a, len)) = window_around(st, li, s, short_end) else {
            continue;
        };
        let covered = (a + len).min(short_end) - s;
        options.push((
            usize::MAX - covered,
            ctx.volunteer[k],
            ctx.reach(k).len(),
            li,
            a,
            len,
        ));
    }
    options.sort_unstable();
    for &(_, _, _, li, a, len) in options.iter().take(MAX_TRIES) {
        // First stay through the shortfall; staying put may break hop (matrix travel),
        // so then settle for the one slot.
        for whole in [true, false] {
            let mut forced = std::mem::take(&mut sc.forced);
            forced.clear();
            forced.extend((a..a + len).map(|t| {
                let j = r as usize * n + t;
                let short = t >= s && st.patrols(r, t) < ctx.req[j];
                if (whole && short) || t == s {
                    r
                } else {
                    NONE
                }
            }));
            let spec = PathSpec {
                li,
                start: a,
                len,
                prev: NONE,
                next: NONE,
                forced: &forced,
            };
            let routed = sc.path.best(st, &spec).is_some();
            sc.forced = forced;
            if routed {
                place(st, li, a, &sc.path.path);
                return true;
            }
        }
    }
    relocate_working(st, sc, cands, r, s)
}

/// New-shift candidates tried per shortfall before rerouting working teams.
const MAX_TRIES: usize = 32;

/// A legal new shift of local team `li` that contains slot `s` and covers as much of
/// `[s, until)` as it can: `(start, len)`.
fn window_around(st: &State, li: usize, s: usize, until: usize) -> Option<(usize, usize)> {
    let ctx = st.ctx;
    let k = st.teams[li];
    let min_len = ctx.inst.rules_of(k).min_shift_slots;
    let max_len = max_new_len(st, li);
    if max_len < min_len {
        return None;
    }
    let (lo, hi) = free_gap(st, li, s, s + 1);
    if s < lo || s >= hi {
        return None;
    }
    let mut run_start = s;
    while run_start > lo && ctx.avail_from(k, run_start - 1) > 0 {
        run_start -= 1;
    }
    let end = hi.min(s + ctx.avail_from(k, s));
    if end < run_start + min_len {
        return None;
    }
    let a = if s + min_len <= end { s } else { end - min_len };
    let len = until.saturating_sub(a).clamp(min_len, max_len.min(end - a));
    Some((a, len))
}

/// Reroutes the shift of a team that works in slot `s` elsewhere so that it passes
/// through region `r` then, when its other needs and its hop rule allow.
fn relocate_working(st: &mut State, sc: &mut Scratch, cands: &[u32], r: u32, s: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    for &li in cands {
        let li = li as usize;
        let k = st.teams[li];
        let here = st.at(li, s);
        if here == NONE || here == r {
            continue;
        }
        if ctx.volunteer[k] && ctx.escort && st.professionals(r, s) == 0 {
            continue;
        }
        let (mut a, mut b) = (s, s + 1);
        while a > 0 && st.at(li, a - 1) != NONE {
            a -= 1;
        }
        while b < n && st.at(li, b) != NONE {
            b += 1;
        }
        sc.saved.clear();
        sc.saved.extend((a..b).map(|t| st.at(li, t)));
        let mut forced = std::mem::take(&mut sc.forced);
        remove_run(st, li, a, b, &mut forced);
        let ok = forced[s - a] == NONE;
        forced[s - a] = r;
        let spec = PathSpec {
            li,
            start: a,
            len: b - a,
            prev: NONE,
            next: NONE,
            forced: &forced,
        };
        let routed = ok && sc.path.best(st, &spec).is_some();
        sc.forced = forced;
        if routed {
            place(st, li, a, &sc.path.path);
            return true;
        }
        let saved = std::mem::take(&mut sc.saved);
        place(st, li, a, &saved);
        sc.saved = saved;
    }
    false
}
