//! Move-up after a dispatch: re-site the remaining mobile teams with few relocations.

use super::CoverCounts;
use crate::model::{Instance, Slot, TeamIdx};

/// When `dispatched` leaves its post, relocates the remaining teams of `placed` to
/// restore cover: up to `max_moves` times, the single relocation (a team to a post in
/// its reach with room) that raises the slot's response + backup value most, while one
/// raises it. Returns the remaining teams' placements, in `placed` order, without the
/// dispatched team. Travel time of the relocation itself is not modelled.
pub fn move_up(
    instance: &Instance,
    slot: Slot,
    placed: &[(TeamIdx, u32)],
    dispatched: TeamIdx,
    max_moves: usize,
) -> Vec<(TeamIdx, u32)> {
    let remaining: Vec<(TeamIdx, u32)> = placed
        .iter()
        .copied()
        .filter(|&(t, _)| t != dispatched)
        .collect();
    let mut counts = CoverCounts::with_placed(instance, slot, &remaining);
    for _ in 0..max_moves {
        let eps = 1e-9 * (1.0 + counts.value().abs());
        let mut best: Option<(f64, TeamIdx, u32)> = None;
        for &(team, _) in &remaining {
            for &p in instance.reach().locations(team) {
                if counts.post_of(team) == Some(p) || !counts.has_room(p) {
                    continue;
                }
                let d = counts.delta_move(team, p);
                if d > eps && best.is_none_or(|(bd, _, _)| d > bd) {
                    best = Some((d, team, p));
                }
            }
        }
        match best {
            Some((_, team, p)) => {
                counts.move_to(team, p);
            }
            None => break,
        }
    }
    remaining
        .iter()
        .map(|&(t, _)| (t, counts.post_of(t).expect("remaining teams stay placed")))
        .collect()
}
