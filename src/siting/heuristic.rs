//! Greedy by marginal value, capacity repair by augmenting paths, then Teitz–Bart swap
//! improvement. Deterministic: ties go to the earlier team, then the earlier post.

use super::{CoverCounts, SlotSiting};

/// Post given to a team that cannot be placed at all: every post it may take is full
/// and no chain of relocations frees one (the allowed lists admit no feasible siting).
pub const UNPLACED: u32 = u32::MAX;

/// Teams of one problem with their sorted allowed posts and symmetry groups.
pub(crate) struct Prepared {
    /// Team index per problem position.
    pub teams: Vec<usize>,
    /// Sorted, deduplicated allowed posts per position.
    pub allowed: Vec<Vec<u32>>,
    /// Positions with the same group cover the same regions from the same posts.
    pub group: Vec<usize>,
}

impl Prepared {
    pub fn new(problem: &SlotSiting) -> Prepared {
        let reach = &problem.instance.reach;
        let mut teams = Vec::with_capacity(problem.teams.len());
        let mut allowed = Vec::with_capacity(problem.teams.len());
        let mut group = Vec::with_capacity(problem.teams.len());
        let mut keys: Vec<(usize, Vec<u32>)> = Vec::new();
        for (team, posts) in &problem.teams {
            assert!(
                !teams.contains(team),
                "team {team} is listed twice in the slot's siting problem"
            );
            let mut posts = posts.clone();
            posts.sort_unstable();
            posts.dedup();
            let key = (reach.cover_class(*team), posts.clone());
            let g = match keys.iter().position(|k| *k == key) {
                Some(g) => g,
                None => {
                    keys.push(key);
                    keys.len() - 1
                }
            };
            teams.push(*team);
            allowed.push(posts);
            group.push(g);
        }
        Prepared {
            teams,
            allowed,
            group,
        }
    }
}

/// Best posts found, one per team in `problem.teams` order, keeping capacity; `start`
/// (one post per team, same order) is a warm start: its valid placements are kept, then
/// the rest is placed greedily and everything is improved by swaps. A team that cannot
/// be placed gets [`UNPLACED`].
///
/// # Panics
/// If a team is listed twice, or `start` has a different length than `problem.teams`.
pub fn site_slot(problem: &SlotSiting, start: Option<&[u32]>) -> Vec<u32> {
    let prep = Prepared::new(problem);
    let mut counts = CoverCounts::new(problem.instance, problem.slot);
    if let Some(start) = start {
        assert_eq!(start.len(), prep.teams.len(), "warm start length");
        for (i, &p) in start.iter().enumerate() {
            if prep.allowed[i].binary_search(&p).is_ok() && counts.has_room(p) {
                counts.add(prep.teams[i], p);
            }
        }
    }
    greedy_fill(&prep, &mut counts);
    repair(&prep, &mut counts);
    improve(&prep, &mut counts);
    positions(&prep, &counts)
}

/// Posts by problem position.
pub(crate) fn positions(prep: &Prepared, counts: &CoverCounts) -> Vec<u32> {
    prep.teams
        .iter()
        .map(|&t| counts.post_of(t).unwrap_or(UNPLACED))
        .collect()
}

/// Places unplaced teams one at a time, each time the (team, post) of largest gain.
pub(crate) fn greedy_fill(prep: &Prepared, counts: &mut CoverCounts) {
    loop {
        let mut best: Option<(f64, usize, u32)> = None;
        let mut seen_groups: Vec<usize> = Vec::new();
        for (i, &team) in prep.teams.iter().enumerate() {
            // Identical unplaced teams have identical gains: evaluate the first only.
            if counts.post_of(team).is_some() || seen_groups.contains(&prep.group[i]) {
                continue;
            }
            seen_groups.push(prep.group[i]);
            for &p in &prep.allowed[i] {
                if !counts.has_room(p) {
                    continue;
                }
                let g = counts.gain_add(team, p);
                if best.map_or(true, |(bg, _, _)| g > bg) {
                    best = Some((g, i, p));
                }
            }
        }
        match best {
            Some((_, i, p)) => counts.add(prep.teams[i], p),
            None => return,
        }
    }
}

/// Places each still-unplaced team by an augmenting path (relocating placed teams
/// along it), so a feasible siting is found whenever one exists.
pub(crate) fn repair(prep: &Prepared, counts: &mut CoverCounts) {
    for i in 0..prep.teams.len() {
        if counts.post_of(prep.teams[i]).is_none() {
            let mut visited = vec![false; counts.instance().posts.len()];
            let mut path = Vec::new();
            if augment(prep, counts, i, &mut visited, &mut path) {
                // Apply from the end so each post has room when it is entered.
                for &(pos, post) in path.iter().rev() {
                    counts.remove(prep.teams[pos]);
                    counts.add(prep.teams[pos], post);
                }
            }
        }
    }
}

/// Depth-first search for a chain: team `i` takes post p; if p is full, some team at p
/// moves on. Records (position, new post) along the chain.
fn augment(
    prep: &Prepared,
    counts: &CoverCounts,
    i: usize,
    visited: &mut [bool],
    path: &mut Vec<(usize, u32)>,
) -> bool {
    for &p in &prep.allowed[i] {
        if visited[p as usize] {
            continue;
        }
        visited[p as usize] = true;
        path.push((i, p));
        if counts.has_room(p) {
            return true;
        }
        for (j, &tj) in prep.teams.iter().enumerate() {
            if counts.post_of(tj) == Some(p) && augment(prep, counts, j, visited, path) {
                return true;
            }
        }
        path.pop();
    }
    false
}

/// Teitz–Bart improvement: for each team in turn, apply its best improving move (to a
/// post with room, or to a full post whose occupant of another group moves on to a post
/// with room or to this team's post) until a whole round improves nothing.
pub(crate) fn improve(prep: &Prepared, counts: &mut CoverCounts) {
    loop {
        let mut improved = false;
        for i in 0..prep.teams.len() {
            let team = prep.teams[i];
            let Some(cur) = counts.post_of(team) else {
                continue;
            };
            let eps = 1e-9 * (1.0 + counts.value().abs());
            let mut best: Option<(f64, u32, Option<(usize, u32)>)> = None;
            for &p in &prep.allowed[i] {
                if p == cur {
                    continue;
                }
                if counts.has_room(p) {
                    let d = counts.delta_move(team, p);
                    if d > eps && best.map_or(true, |(bd, _, _)| d > bd) {
                        best = Some((d, p, None));
                    }
                    continue;
                }
                // Ejection: an occupant of another group moves on to `q` (its swap
                // with this team when `q == cur`), so this team can take `p`.
                for (j, &tj) in prep.teams.iter().enumerate() {
                    if counts.post_of(tj) != Some(p) || prep.group[j] == prep.group[i] {
                        continue;
                    }
                    for &q in &prep.allowed[j] {
                        if q == p || (q != cur && !counts.has_room(q)) {
                            continue;
                        }
                        let d = ejection_delta(counts, team, tj, p, q);
                        if d > eps && best.map_or(true, |(bd, _, _)| d > bd) {
                            best = Some((d, p, Some((tj, q))));
                        }
                    }
                }
            }
            match best {
                Some((_, p, None)) => {
                    counts.move_to(team, p);
                    improved = true;
                }
                Some((_, p, Some((tj, q)))) => {
                    eject(counts, team, tj, p, q);
                    improved = true;
                }
                None => {}
            }
        }
        if !improved {
            return;
        }
    }
}

/// Value change of `a` moving to `p` while `b`, standing at `p`, moves to `q`
/// (evaluated by doing and undoing).
fn ejection_delta(counts: &mut CoverCounts, a: usize, b: usize, p: u32, q: u32) -> f64 {
    let pa = counts.post_of(a).expect("a is placed");
    let before = counts.value();
    eject(counts, a, b, p, q);
    let d = counts.value() - before;
    counts.remove(a);
    counts.remove(b);
    counts.add(a, pa);
    counts.add(b, p);
    d
}

/// `a` moves to `p`, `b` (standing at `p`) moves to `q`.
fn eject(counts: &mut CoverCounts, a: usize, b: usize, p: u32, q: u32) {
    counts.remove(a);
    counts.remove(b);
    counts.add(b, q);
    counts.add(a, p);
}
