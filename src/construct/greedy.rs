//! Greedy construction: requirements first, then shifts added round-robin (each team
//! adds its single most valuable shift per round), professionals before volunteers
//! (who need them), then mobile teams. Because every team sees the presence the
//! earlier ones built, the concave value spreads teams over regions and hours.

use super::requirements::{meet_requirements, UnmetRequirement};
use crate::search::ops::{insert_anywhere, Scratch};
use crate::search::state::State;

/// Fills `st` (which may already hold some shifts, for example a repaired warm start)
/// with a feasible schedule: requirements met, then value added greedily.
pub fn construct(st: &mut State, sc: &mut Scratch) -> Result<(), Vec<UnmetRequirement>> {
    meet_requirements(st, sc)?;
    fill(st, sc);
    Ok(())
}

/// Adds shifts round-robin until no team can add a valuable one.
pub fn fill(st: &mut State, sc: &mut Scratch) {
    let ctx = st.ctx;
    let phase = |li: usize| {
        let k = st.teams[li];
        if !ctx.patrol[k] {
            2
        } else if ctx.volunteer[k] {
            1
        } else {
            0
        }
    };
    let phases: Vec<Vec<usize>> = (0..3)
        .map(|p| (0..st.teams.len()).filter(|&li| phase(li) == p).collect())
        .collect();
    for group in &phases {
        let mut active: Vec<usize> = group.clone();
        while !active.is_empty() {
            active.retain(|&li| insert_anywhere(st, sc, li).is_some());
        }
    }
}
