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
        let reach = &problem.instance.reach();
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
                if best.is_none_or(|(bg, _, _)| g > bg) {
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
            let mut visited = vec![false; counts.instance().posts().len()];
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

/// An improving move: (gain, new post, another team moved along and where).
type Move = (f64, u32, Option<(usize, u32)>);

/// Teitz–Bart improvement: for each team in turn, apply its best improving move until a
/// whole round improves nothing. Moves of team `a` to post `p`: alone (when `p` has room);
/// with an occupant `b` of `p` moving on to another of its posts (an exchange when that
/// is `a`'s post); or with a team `b` taking `a`'s vacated post. Teams of the same group
/// are interchangeable, so pairs within a group are skipped.
pub(crate) fn improve(prep: &Prepared, counts: &mut CoverCounts) {
    loop {
        let mut improved = false;
        for i in 0..prep.teams.len() {
            let team = prep.teams[i];
            let Some(cur) = counts.post_of(team) else {
                continue;
            };
            let eps = 1e-9 * (1.0 + counts.value().abs());
            let mut best: Option<Move> = None;
            let offer = |d: f64, m: Move, best: &mut Option<Move>| {
                if d > eps && best.is_none_or(|(bd, _, _)| d > bd) {
                    *best = Some(m);
                }
            };
            for &p in &prep.allowed[i] {
                if p == cur {
                    continue;
                }
                let room = counts.has_room(p);
                if room {
                    let d = counts.delta_move(team, p);
                    offer(d, (d, p, None), &mut best);
                }
                for (j, &tj) in prep.teams.iter().enumerate() {
                    if prep.group[j] == prep.group[i] {
                        continue;
                    }
                    let Some(pj) = counts.post_of(tj) else {
                        continue;
                    };
                    if !room && pj == p {
                        for &q in &prep.allowed[j] {
                            if q != p {
                                if let Some(d) = pair_delta(counts, team, p, tj, q) {
                                    offer(d, (d, p, Some((tj, q))), &mut best);
                                }
                            }
                        }
                    } else if room && pj != cur && prep.allowed[j].binary_search(&cur).is_ok() {
                        if let Some(d) = pair_delta(counts, team, p, tj, cur) {
                            offer(d, (d, p, Some((tj, cur))), &mut best);
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
                    pair_move(counts, team, p, tj, q).expect("checked feasible");
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

/// Moves `a` to `p` and `b` to `q` together if capacity allows (else changes nothing);
/// returns the posts they left.
fn pair_move(counts: &mut CoverCounts, a: usize, p: u32, b: usize, q: u32) -> Option<(u32, u32)> {
    let pa = counts.remove(a)?;
    let Some(pb) = counts.remove(b) else {
        counts.add(a, pa);
        return None;
    };
    if counts.has_room(q) {
        counts.add(b, q);
        if counts.has_room(p) {
            counts.add(a, p);
            return Some((pa, pb));
        }
        counts.remove(b);
    }
    counts.add(b, pb);
    counts.add(a, pa);
    None
}

/// Value change of [`pair_move`] (evaluated by doing and undoing), `None` if infeasible.
fn pair_delta(counts: &mut CoverCounts, a: usize, p: u32, b: usize, q: u32) -> Option<f64> {
    let before = counts.value();
    let (pa, pb) = pair_move(counts, a, p, b, q)?;
    let d = counts.value() - before;
    counts.remove(a);
    counts.remove(b);
    counts.add(b, pb);
    counts.add(a, pa);
    Some(d)
}
