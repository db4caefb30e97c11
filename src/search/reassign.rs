//! Exact re-assignment of the patrol teams working in one slot: every patrol team that
//! works then keeps working (its shifts unchanged) but all of them may change region
//! at once, each within its reach and the hop rule with its own neighbouring slots;
//! the best assignment is found by depth-first search with a concave bound.
//!
//! Presence is concave with breakpoints at whole teams, and teams differ in
//! effectiveness (0.4-1.0 in the irregular family): which teams stand together in a
//! region decides whether its presence lands on a breakpoint (2.0) or just past it
//! (2.1, whose extra 0.1 earns the next, smaller marginal). Moving one team at a time
//! cannot regroup them (each single move loses first); this move does it for the whole
//! slot, with the requirements and the escort rule kept.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::context::NONE;
use super::state::State;

/// Most patrol teams re-assigned together.
pub const REASSIGN_TEAMS: usize = 16;
/// Node limit of one search (a count, so runs stay reproducible).
pub const REASSIGN_NODES: u64 = 4_000;

/// The search over one slot's assignment.
struct Search<'a, 'c> {
    st: &'a State<'c>,
    /// Per candidate region: presence so far (fixed point), teams, professionals,
    /// requirement, weight.
    pres: Vec<i64>,
    count: Vec<u32>,
    pros: Vec<u32>,
    req: Vec<u32>,
    weight: Vec<f64>,
    /// Per team (in search order): effectiveness (fixed point), professional, options
    /// (indices into `regions`).
    eff: Vec<i64>,
    pro: Vec<bool>,
    options: Vec<Vec<usize>>,
    choice: Vec<usize>,
    best_choice: Vec<usize>,
    best: f64,
    nodes: u64,
}

impl Search<'_, '_> {
    fn gain(&self, t: usize, r: usize) -> f64 {
        let ctx = self.st.ctx;
        let p = self.pres[r];
        self.weight[r] * (ctx.g(p + self.eff[t]) - ctx.g(p))
    }

    fn put(&mut self, t: usize, r: usize, add: bool) {
        if add {
            self.pres[r] += self.eff[t];
            self.count[r] += 1;
            self.pros[r] += u32::from(self.pro[t]);
        } else {
            self.pres[r] -= self.eff[t];
            self.count[r] -= 1;
            self.pros[r] -= u32::from(self.pro[t]);
        }
    }

    fn feasible(&self) -> bool {
        let escort = self.st.ctx.escort;
        (0..self.pres.len()).all(|r| {
            self.count[r] >= self.req[r] && (!escort || self.count[r] == 0 || self.pros[r] > 0)
        })
    }

    fn dfs(&mut self, depth: usize, value: f64) {
        self.nodes += 1;
        if self.nodes > REASSIGN_NODES {
            return;
        }
        if depth == self.eff.len() {
            if value > self.best + 1e-9 * self.best.abs().max(1.0) && self.feasible() {
                self.best = value;
                self.best_choice.clone_from(&self.choice);
            }
            return;
        }
        let mut gains: Vec<(f64, usize)> = self.options[depth]
            .iter()
            .map(|&r| (self.gain(depth, r), r))
            .collect();
        gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // Later teams add at most their best gain against the presence so far.
        let rest: f64 = (depth + 1..self.eff.len())
            .map(|u| {
                self.options[u]
                    .iter()
                    .map(|&r| self.gain(u, r))
                    .fold(0.0, f64::max)
            })
            .sum();
        for (g, r) in gains {
            if value + g + rest <= self.best + 1e-9 * self.best.abs().max(1.0) {
                break;
            }
            self.put(depth, r, true);
            self.choice[depth] = r;
            self.dfs(depth + 1, value + g);
            self.put(depth, r, false);
            if self.nodes > REASSIGN_NODES {
                return;
            }
        }
    }
}

/// Re-assigns every patrol team working in a random slot of local patrol team `li`
/// (see the module's head; when more than [`REASSIGN_TEAMS`] work then, `li` and random
/// others standing within its reach). False when `li` is not a working patrol team,
/// works alone, or no assignment beats the current one.
pub fn reassign_slot(st: &mut State, rng: &mut ChaCha8Rng, li: usize) -> bool {
    let ctx = st.ctx;
    let n = ctx.slots;
    if !ctx.patrol[st.teams[li]] || st.worked[li] == 0 {
        return false;
    }
    let mut s = rng.random_range(0..n);
    while st.at(li, s) == NONE {
        s = (s + 1) % n;
    }
    let mut working: Vec<usize> = (0..st.teams.len())
        .filter(|&lj| ctx.patrol[st.teams[lj]] && st.at(lj, s) != NONE)
        .collect();
    if working.len() > REASSIGN_TEAMS {
        // Too many for one search: `li` and random others standing where it may go.
        let reach = ctx.reach(st.teams[li]);
        let mut near: Vec<usize> = working
            .iter()
            .copied()
            .filter(|&lj| lj != li && reach.binary_search(&st.at(lj, s)).is_ok())
            .collect();
        for i in 0..near.len().min(REASSIGN_TEAMS - 1) {
            let j = rng.random_range(i..near.len());
            near.swap(i, j);
        }
        near.truncate(REASSIGN_TEAMS - 1);
        near.push(li);
        near.sort_unstable();
        working = near;
    }
    if working.len() < 2 {
        return false;
    }
    // Each team's regions: within reach, hop-compatible with its own neighbours.
    let allowed: Vec<Vec<u32>> = working
        .iter()
        .map(|&lj| {
            let k = st.teams[lj];
            let prev = if s > 0 { st.at(lj, s - 1) } else { NONE };
            let next = if s + 1 < n { st.at(lj, s + 1) } else { NONE };
            ctx.reach(k)
                .iter()
                .copied()
                .filter(|&r| {
                    (prev == NONE || ctx.hop_ok(k, prev, r))
                        && (next == NONE || ctx.hop_ok(k, r, next))
                })
                .collect()
        })
        .collect();
    let mut regions: Vec<u32> = allowed.iter().flatten().copied().collect();
    regions.sort_unstable();
    regions.dedup();
    let current: Vec<u32> = working.iter().map(|&lj| st.at(lj, s)).collect();
    // Stronger teams first: their choice shapes the bound most.
    let mut order: Vec<usize> = (0..working.len()).collect();
    order.sort_by_key(|&t| (std::cmp::Reverse(ctx.eff[st.teams[working[t]]]), t));
    for &lj in &working {
        st.set(lj, s, NONE);
    }
    let pos = |r: u32| regions.binary_search(&r).expect("a candidate region");
    let mut search = Search {
        st: &*st,
        pres: regions.iter().map(|&r| st.presence(r, s)).collect(),
        count: regions
            .iter()
            .map(|&r| u32::from(st.patrols(r, s)))
            .collect(),
        pros: regions
            .iter()
            .map(|&r| u32::from(st.professionals(r, s)))
            .collect(),
        req: regions
            .iter()
            .map(|&r| u32::from(ctx.req[r as usize * n + s]))
            .collect(),
        weight: regions
            .iter()
            .map(|&r| ctx.inst.weights()[r as usize * n + s])
            .collect(),
        eff: order
            .iter()
            .map(|&t| ctx.eff[st.teams[working[t]]])
            .collect(),
        pro: order
            .iter()
            .map(|&t| !ctx.volunteer[st.teams[working[t]]])
            .collect(),
        options: order
            .iter()
            .map(|&t| allowed[t].iter().map(|&r| pos(r)).collect())
            .collect(),
        choice: vec![0; working.len()],
        best_choice: Vec::new(),
        best: 0.0,
        nodes: 0,
    };
    // The current assignment's value is the one to beat.
    let mut value = 0.0;
    for (d, &t) in order.iter().enumerate() {
        let r = pos(current[t]);
        value += search.gain(d, r);
        search.put(d, r, true);
    }
    for (d, &t) in order.iter().enumerate() {
        search.put(d, pos(current[t]), false);
    }
    search.best = value;
    search.dfs(0, 0.0);
    let best_choice = std::mem::take(&mut search.best_choice);
    if best_choice.is_empty() {
        return false;
    }
    let chosen: Vec<(usize, u32)> = order
        .iter()
        .zip(&best_choice)
        .map(|(&t, &r)| (working[t], regions[r]))
        .collect();
    // Professionals first, so that no volunteer stands alone on the way.
    for pass in [false, true] {
        for &(lj, r) in &chosen {
            if ctx.volunteer[st.teams[lj]] == pass {
                st.set(lj, s, r);
            }
        }
    }
    st.relaxed || st.feasible()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use crate::search::check::assert_consistent;
    use crate::search::construct::construct;
    use crate::search::context::Context;
    use crate::search::ops::Scratch;
    use rand::SeedableRng;

    /// On the `small` preset (40 patrol teams, so slots with more than
    /// [`REASSIGN_TEAMS`] working take the subset path) and the irregular small-3
    /// (fractional effectiveness, requirements): every re-assignment that applies is
    /// strictly better, keeps every rule and matches a recomputation; some apply.
    #[test]
    fn reassignments_improve_and_keep_every_rule() {
        for file in ["data/small.json", "tests/data/irregular/small-3.json"] {
            let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
            let inst = Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
            let ctx = Context::new(&inst);
            let mut st = State::new(&ctx, (0..inst.teams().len()).collect());
            let mut sc = Scratch::default();
            construct(&mut st, &mut sc, &crate::search::stop::AnyOf::default()).unwrap();
            let patrol: Vec<usize> = (0..st.teams.len())
                .filter(|&li| ctx.patrol[st.teams[li]])
                .collect();
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            let mut applied = 0;
            for it in 0..300 {
                let li = patrol[rng.random_range(0..patrol.len())];
                let before = st.score;
                st.begin();
                if reassign_slot(&mut st, &mut rng, li) {
                    assert!(st.score.total() > before.total(), "{file} {it}: not better");
                    applied += 1;
                    st.commit();
                } else {
                    st.rollback(before);
                }
                assert!(st.feasible(), "{file} {it}: a coupled rule broken");
                assert_consistent(&st, &format!("{file} after re-assignment {it}"));
            }
            assert!(applied > 0, "{file}: no re-assignment applied");
        }
    }
}
