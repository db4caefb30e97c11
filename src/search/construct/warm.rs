//! Loading a warm-start schedule into a search state, keeping only the shifts that can
//! be kept without breaking a rule (the construction then fills the rest).

use crate::schedule::Schedule;
use crate::search::context::NONE;
use crate::search::state::State;

/// Loads the shifts of `schedule` for the state's teams, dropping every shift that
/// breaks a per-team rule (availability, reach, length, rest, work limit, hop) or a
/// post's capacity, and then every volunteer shift left without an escort. Returns the
/// number of shifts dropped.
pub fn load_warm(st: &mut State, schedule: &Schedule) -> usize {
    let ctx = st.ctx;
    let n = ctx.slots;
    let mut dropped = 0;
    for li in 0..st.teams.len() {
        let k = st.teams[li];
        let Some(shifts) = schedule.shifts.get(k) else {
            continue;
        };
        let rules = ctx.inst.rules_of(k);
        let reach = ctx.reach(k);
        let mut last_end: Option<usize> = None;
        for sh in shifts {
            let len = sh.at.len();
            let ok = sh.start + len <= n
                && (rules.min_shift_slots..=rules.max_shift_slots).contains(&len)
                && st.worked[li] as usize + len <= rules.max_work_slots
                && last_end.is_none_or(|e| sh.start >= e + rules.min_rest_slots)
                && ctx.avail_from(k, sh.start) >= len
                && sh.at.iter().all(|l| reach.binary_search(l).is_ok())
                && sh.at.windows(2).all(|w| ctx.hop_ok(k, w[0], w[1]))
                && (ctx.patrol[k]
                    || sh
                        .at
                        .iter()
                        .enumerate()
                        .all(|(i, &p)| st.may_enter(k, p, sh.start + i)));
            if !ok {
                dropped += 1;
                continue;
            }
            for (i, &l) in sh.at.iter().enumerate() {
                st.set(li, sh.start + i, l);
            }
            last_end = Some(sh.start + len);
        }
    }
    if ctx.escort {
        dropped += drop_unescorted(st);
    }
    dropped
}

/// Removes volunteer shifts that stand somewhere without a professional.
fn drop_unescorted(st: &mut State) -> usize {
    let ctx = st.ctx;
    let mut runs = Vec::new();
    let mut dropped = 0;
    for li in 0..st.teams.len() {
        if !ctx.volunteer[st.teams[li]] {
            continue;
        }
        st.shifts_of(li, &mut runs);
        for &(a, b) in &runs {
            let alone = (a..b).any(|s| st.professionals(st.at(li, s), s) == 0);
            if alone {
                dropped += 1;
                for s in a..b {
                    st.set(li, s, NONE);
                }
            }
        }
    }
    dropped
}
