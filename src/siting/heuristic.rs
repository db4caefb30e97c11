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

/// For one symmetry group of a problem: per region, the group's allowed posts within the
/// response and within the backup standard of it (the reach lists turned round), so
/// that the gain of every post is summed from the regions that can still gain.
struct InverseCover {
    response: Vec<Vec<u32>>,
    backup: Vec<Vec<u32>>,
}

impl InverseCover {
    fn new(counts: &CoverCounts, team: usize, allowed: &[u32]) -> InverseCover {
        let (inst, nr) = (counts.instance(), counts.instance().regions().len());
        let reach = inst.reach();
        let mut inv = InverseCover {
            response: vec![Vec::new(); nr],
            backup: vec![Vec::new(); nr],
        };
        for &p in allowed {
            for &r in reach.response_regions(team, p as usize) {
                inv.response[r as usize].push(p);
            }
            for &r in reach.backup_regions(team, p as usize) {
                inv.backup[r as usize].push(p);
            }
        }
        inv
    }

    /// The gain of placing one more team of this group at each post (indexed by post;
    /// `gain` is overwritten), from the counts as they are: a region gains response when
    /// nobody covers it, backup when exactly one team does. Equals
    /// [`CoverCounts::gain_add`] for every post, at a cost of one pass over the regions.
    fn gains(&self, counts: &CoverCounts, gain: &mut [f64]) {
        let inst = counts.instance();
        let (obj, slot) = (inst.objective(), counts.slot());
        gain.fill(0.0);
        for (r, region) in inst.regions().iter().enumerate() {
            let risk = region.risk[slot];
            if risk == 0.0 {
                continue;
            }
            if counts.response_count(r) == 0 {
                for &p in &self.response[r] {
                    gain[p as usize] += obj.response_weight * risk;
                }
            }
            if counts.backup_count(r) == 1 {
                for &p in &self.backup[r] {
                    gain[p as usize] += obj.backup_weight * risk;
                }
            }
        }
    }
}

/// The post with room of largest gain in `gain` among `allowed` (ties: the earlier post).
fn best_post(counts: &CoverCounts, allowed: &[u32], gain: &[f64]) -> Option<(f64, u32)> {
    let mut best: Option<(f64, u32)> = None;
    for &p in allowed {
        if counts.has_room(p) && best.is_none_or(|(bg, _)| gain[p as usize] > bg) {
            best = Some((gain[p as usize], p));
        }
    }
    best
}

/// Per problem position, its group's inverse cover lists (one per group, shared).
fn inverse_covers(prep: &Prepared, counts: &CoverCounts) -> Vec<std::rc::Rc<InverseCover>> {
    let mut by_group: Vec<Option<std::rc::Rc<InverseCover>>> = Vec::new();
    prep.group
        .iter()
        .enumerate()
        .map(|(i, &g)| {
            if by_group.len() <= g {
                by_group.resize(g + 1, None);
            }
            by_group[g]
                .get_or_insert_with(|| {
                    std::rc::Rc::new(InverseCover::new(counts, prep.teams[i], &prep.allowed[i]))
                })
                .clone()
        })
        .collect()
}

/// [`greedy_fill`] by inverse cover lists: the same choice (largest gain; ties to the
/// earlier team, then the earlier post) at one pass over the regions per group.
fn greedy_fill_fast(
    prep: &Prepared,
    inverse: &[std::rc::Rc<InverseCover>],
    counts: &mut CoverCounts,
    gain: &mut [f64],
) {
    loop {
        let mut best: Option<(f64, usize, u32)> = None;
        let mut seen_groups: Vec<usize> = Vec::new();
        for (i, &team) in prep.teams.iter().enumerate() {
            if counts.post_of(team).is_some() || seen_groups.contains(&prep.group[i]) {
                continue;
            }
            seen_groups.push(prep.group[i]);
            inverse[i].gains(counts, gain);
            if let Some((g, p)) = best_post(counts, &prep.allowed[i], gain) {
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

/// Single-team moves to a post with room (vertex substitution), best move per team,
/// until a whole round improves nothing: the cheap local search inside
/// [`site_slot_deep`]'s kicks. Each team is taken off, the gain of every post is summed
/// from the regions by inverse cover lists, and the team goes back to the best post when
/// that beats what it earned where it was.
fn improve_single(
    prep: &Prepared,
    inverse: &[std::rc::Rc<InverseCover>],
    counts: &mut CoverCounts,
    gain: &mut [f64],
) {
    loop {
        let mut improved = false;
        for ((&team, allowed), inverse) in prep.teams.iter().zip(&prep.allowed).zip(inverse) {
            let eps = 1e-9 * (1.0 + counts.value().abs());
            let loss = counts.loss_remove(team);
            let Some(cur) = counts.remove(team) else {
                continue;
            };
            inverse.gains(counts, gain);
            match best_post(counts, allowed, gain) {
                Some((g, p)) if p != cur && g > loss + eps => {
                    counts.add(team, p);
                    improved = true;
                }
                _ => counts.add(team, cur),
            }
        }
        if !improved {
            return;
        }
    }
}

/// Puts every team of `prep` at `posts` (by position; [`UNPLACED`] stays off).
fn restore(prep: &Prepared, counts: &mut CoverCounts, posts: &[u32]) {
    for &t in &prep.teams {
        counts.remove(t);
    }
    for (&t, &p) in prep.teams.iter().zip(posts) {
        if p != UNPLACED {
            counts.add(t, p);
        }
    }
}

/// [`site_slot`], then an iterated local search for slots too large for the exact branch
/// and bound (classic maximal covering: hundreds of candidate posts): `rounds` kicks,
/// each moving one to three random teams to random allowed posts, then placing whoever
/// is off greedily and improving by single moves; a kick that ends at least as well is
/// kept (plateaus are walked), one that ends worse is undone. The best siting is
/// improved by pair moves at the end. Deterministic for a given `seed` (and no
/// `deadline`: when given, the kicks stop there, so a time-limited run ends on time);
/// never worse than [`site_slot`] from the same start.
///
/// # Panics
/// As [`site_slot`].
pub fn site_slot_deep(
    problem: &SlotSiting,
    start: Option<&[u32]>,
    rounds: usize,
    seed: u64,
    deadline: Option<std::time::Instant>,
) -> Vec<u32> {
    use rand::{Rng, SeedableRng};
    let prep = Prepared::new(problem);
    let mut counts = CoverCounts::new(problem.instance, problem.slot);
    let first = site_slot(problem, start);
    restore(&prep, &mut counts, &first);
    let n = prep.teams.len();
    if n == 0 || rounds == 0 {
        return first;
    }
    let inverse = inverse_covers(&prep, &counts);
    let mut gain = vec![0.0; problem.instance.posts().len()];
    let mut best = first;
    let mut best_value = counts.value();
    let mut current = best.clone();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..rounds {
        if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            break;
        }
        let eps = 1e-9 * (1.0 + best_value.abs());
        let before = counts.value();
        for _ in 0..rng.random_range(1..=n.min(3)) {
            let i = rng.random_range(0..n);
            counts.remove(prep.teams[i]);
            let allowed = &prep.allowed[i];
            if !allowed.is_empty() {
                let p = allowed[rng.random_range(0..allowed.len())];
                if counts.has_room(p) {
                    counts.add(prep.teams[i], p);
                }
            }
        }
        greedy_fill_fast(&prep, &inverse, &mut counts, &mut gain);
        repair(&prep, &mut counts);
        improve_single(&prep, &inverse, &mut counts, &mut gain);
        let now = positions(&prep, &counts);
        if !now.contains(&UNPLACED) && counts.value() >= before - eps {
            current = now;
            if counts.value() > best_value + eps {
                best_value = counts.value();
                best = current.clone();
            }
        } else {
            restore(&prep, &mut counts, &current);
        }
    }
    restore(&prep, &mut counts, &best);
    improve(&prep, &mut counts);
    positions(&prep, &counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::siting::random::{whole_problem, CoveringSpec};
    use crate::siting::slot_cover_value;

    /// A covering case with backup value and posts of capacity 2, so both gain terms and
    /// the room check matter.
    fn spec(seed: u64) -> CoveringSpec {
        CoveringSpec {
            backup_weight: 0.5,
            capacity: 2,
            ..CoveringSpec::mclp(120, 6, 6.0, seed)
        }
    }

    #[test]
    fn inverse_gains_equal_gain_add_for_every_post() {
        let inst = spec(3).instance();
        let problem = whole_problem(&inst);
        let prep = Prepared::new(&problem);
        let mut counts = CoverCounts::new(&inst, 0);
        let inverse = inverse_covers(&prep, &counts);
        let mut gain = vec![0.0; inst.posts().len()];
        // Check with 0, 1, 2, ... teams placed at sited posts.
        let sited = site_slot(&problem, None);
        for (i, &p) in sited.iter().enumerate() {
            inverse[0].gains(&counts, &mut gain);
            for &q in &prep.allowed[0] {
                let want = counts.gain_add(prep.teams[i], q);
                assert!(
                    (gain[q as usize] - want).abs() < 1e-9,
                    "post {q}: {} vs {want}",
                    gain[q as usize]
                );
            }
            counts.add(prep.teams[i], p);
        }
    }

    #[test]
    fn deep_siting_keeps_capacity_is_reproducible_and_never_worse_than_site_slot() {
        for seed in 1..=4 {
            let inst = spec(seed).instance();
            let problem = whole_problem(&inst);
            let value = |posts: &[u32]| {
                let placed: Vec<_> = problem
                    .teams
                    .iter()
                    .map(|(k, _)| *k)
                    .zip(posts.iter().copied())
                    .collect();
                assert!(crate::siting::respects_capacity(&inst, &placed));
                slot_cover_value(&inst, 0, &placed)
            };
            let plain = site_slot(&problem, None);
            let deep = site_slot_deep(&problem, None, 200, 7, None);
            assert!(!deep.contains(&UNPLACED));
            assert!(value(&deep) >= value(&plain) - 1e-9, "seed {seed}");
            assert_eq!(
                deep,
                site_slot_deep(&problem, None, 200, 7, None),
                "seed {seed}"
            );
        }
    }
}
