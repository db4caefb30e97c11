//! Greedy construction: requirements first, then shifts added round-robin (each team
//! adds its single most valuable shift per round), professionals before volunteers
//! (who need them), then mobile teams. Because every team sees the presence the
//! earlier ones built, the concave value spreads teams over regions and hours.

use super::requirements::{meet_requirements, ConstructError};
use crate::search::ops::{insert_anywhere, Scratch};
use crate::search::state::State;
use crate::search::stop::{Position, StopRule};

/// Fills `st` (which may already hold some shifts, for example a repaired warm start)
/// with a feasible schedule: requirements met, then value added greedily until no
/// team can add a valuable shift or `stop` (the deadline, the cancel button) fires.
/// When it fires before every requirement is placed there is no feasible schedule:
/// [`ConstructError::Stopped`].
pub fn construct(
    st: &mut State,
    sc: &mut Scratch,
    stop: &dyn StopRule,
) -> Result<(), ConstructError> {
    meet_requirements(st, sc, stop)?;
    fill(st, sc, stop);
    Ok(())
}

/// Adds shifts round-robin until no team can add a valuable one, or `stop` fires
/// (asked every 64 insertions).
pub fn fill(st: &mut State, sc: &mut Scratch, stop: &dyn StopRule) {
    let mut tries = 0u32;
    let mut late = || {
        tries = tries.wrapping_add(1);
        tries % 64 == 0 && stop.stop(&Position::default())
    };
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
            let mut over = false;
            active.retain(|&li| {
                over = over || late();
                !over && insert_anywhere(st, sc, li).is_some()
            });
            if over {
                return;
            }
        }
    }
}
