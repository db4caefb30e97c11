//! Exact siting for small and classic-size problems: LP-based branch and bound.
//!
//! Identical teams (same cover class, same allowed posts) are merged into groups with
//! an integer count per post, which removes their symmetry; regions that the same
//! (group, post) columns cover are merged by summing their risk (separately for the
//! response and the backup term, which are separable). Each node's LP is solved by
//! clarabel; its bound is not the solver's objective but the Lagrangian value of the
//! solver's duals (clamped to the right sign) over the node's variable box, which is a
//! valid upper bound for *any* multipliers, so an inexact interior-point solve can make
//! the bound weaker but never wrong.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use good_lp::{
    clarabel, constraint, variable, Constraint, DualValues, Expression, ProblemVariables, Solution,
    SolutionWithDual, SolverModel, Variable,
};

use super::heuristic::Prepared;
use super::{site_slot, CoverCounts, SlotSiting};

/// Result of [`solve_exact_report`].
#[derive(Debug, Clone)]
pub struct ExactOutcome {
    /// Best siting found, one post per team in problem order.
    pub posts: Vec<u32>,
    /// Its value (re-evaluated by [`CoverCounts`]).
    pub value: f64,
    /// Proven upper bound on every feasible siting's value.
    pub bound: f64,
    /// Whether `value` is proven optimal (`bound <= value` up to 1e-6 relative).
    pub proven: bool,
    /// Branch-and-bound nodes solved.
    pub nodes: usize,
    /// Wall time spent.
    pub elapsed: Duration,
}

/// Column `j`: group `group` at `post`, integer in `[0, upper]`.
struct Column {
    group: usize,
    post: u32,
    upper: f64,
}

/// Covering rows: merged demand with weight and the columns that cover it.
struct CoverRow {
    weight: f64,
    cols: Vec<usize>,
}

/// A solved node LP.
struct LpNode {
    /// Lagrangian value of the solver's duals: a valid bound over the node's box.
    bound: f64,
    /// The solver's primal objective (not a proof of anything).
    #[cfg_attr(not(test), allow(dead_code))]
    primal: f64,
    /// Column values.
    x: Vec<f64>,
    /// Backup indicator values.
    c2: Vec<f64>,
}

/// The aggregated model of a slot's siting problem.
struct Model {
    prep: Prepared,
    /// Members of each group, in problem positions.
    members: Vec<Vec<usize>>,
    columns: Vec<Column>,
    /// Per post: the columns at it, when their upper bounds can exceed its capacity.
    capacity_rows: Vec<(f64, Vec<usize>)>,
    response: Vec<CoverRow>,
    backup: Vec<CoverRow>,
}

fn cover_rows(
    columns: &[Column],
    reps: &[usize],
    regions_of: impl Fn(usize, usize) -> Vec<u32>,
    risk: impl Fn(usize) -> f64,
    weight: f64,
    regions: usize,
) -> Vec<CoverRow> {
    if weight <= 0.0 {
        return Vec::new();
    }
    let mut sig: Vec<Vec<usize>> = vec![Vec::new(); regions];
    for (j, c) in columns.iter().enumerate() {
        for r in regions_of(reps[c.group], c.post as usize) {
            sig[r as usize].push(j);
        }
    }
    let mut merged: BTreeMap<Vec<usize>, f64> = BTreeMap::new();
    for (r, cols) in sig.into_iter().enumerate() {
        let w = weight * risk(r);
        if !cols.is_empty() && w > 0.0 {
            *merged.entry(cols).or_insert(0.0) += w;
        }
    }
    merged
        .into_iter()
        .map(|(cols, weight)| CoverRow { weight, cols })
        .collect()
}

impl Model {
    fn new(problem: &SlotSiting) -> Model {
        let inst = problem.instance;
        let prep = Prepared::new(problem);
        let groups = prep.group.iter().max().map_or(0, |g| g + 1);
        let mut members = vec![Vec::new(); groups];
        for (i, &g) in prep.group.iter().enumerate() {
            members[g].push(i);
        }
        let reps: Vec<usize> = members.iter().map(|m| prep.teams[m[0]]).collect();
        let mut columns = Vec::new();
        for (g, m) in members.iter().enumerate() {
            for &p in &prep.allowed[m[0]] {
                let cap = inst.posts()[p as usize].capacity as usize;
                columns.push(Column {
                    group: g,
                    post: p,
                    upper: cap.min(m.len()) as f64,
                });
            }
        }
        let mut at_post: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (j, c) in columns.iter().enumerate() {
            at_post.entry(c.post).or_default().push(j);
        }
        let capacity_rows = at_post
            .into_iter()
            .filter_map(|(p, cols)| {
                let cap = inst.posts()[p as usize].capacity as f64;
                let most: f64 = cols.iter().map(|&j| columns[j].upper).sum();
                (most > cap).then_some((cap, cols))
            })
            .collect();
        let obj = &inst.objective();
        let risk = |r: usize| inst.regions()[r].risk[problem.slot];
        let n = inst.regions().len();
        let response = cover_rows(
            &columns,
            &reps,
            |t, p| inst.reach().response_regions(t, p).to_vec(),
            risk,
            obj.response_weight,
            n,
        );
        let backup = cover_rows(
            &columns,
            &reps,
            |t, p| inst.reach().backup_regions(t, p).to_vec(),
            risk,
            obj.backup_weight,
            n,
        );
        Model {
            prep,
            members,
            columns,
            capacity_rows,
            response,
            backup,
        }
    }

    /// Initial box: columns `[0, upper]`, backup indicators `[0, 1]`.
    fn root_box(&self) -> Vec<(f64, f64)> {
        let mut b: Vec<(f64, f64)> = self.columns.iter().map(|c| (0.0, c.upper)).collect();
        b.extend(self.backup.iter().map(|_| (0.0, 1.0)));
        b
    }

    /// Solves the LP over `bounds`; `None` when the box is infeasible, `Err` when the
    /// solver gave up.
    fn solve_lp(
        &self,
        bounds: &[(f64, f64)],
        cuts: &[(usize, usize)],
        time_limit: f64,
    ) -> Result<Option<LpNode>, String> {
        let nc = self.columns.len();
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = bounds[..nc]
            .iter()
            .map(|&(lo, hi)| vars.add(variable().min(lo).max(hi)))
            .collect();
        let c1: Vec<Variable> = self
            .response
            .iter()
            .map(|_| vars.add(variable().min(0.0).max(1.0)))
            .collect();
        let c2: Vec<Variable> = bounds[nc..]
            .iter()
            .map(|&(lo, hi)| vars.add(variable().min(lo).max(hi)))
            .collect();
        let mut objective = Expression::from(0.0);
        for (row, &v) in self.response.iter().zip(&c1) {
            objective += row.weight * v;
        }
        for (row, &v) in self.backup.iter().zip(&c2) {
            objective += row.weight * v;
        }
        let mut model = vars.maximise(objective).using(clarabel);
        model.settings().time_limit(time_limit.max(0.01));
        let sum = |cols: &[usize]| cols.iter().map(|&j| x[j]).sum::<Expression>();
        let mut refs = Vec::new();
        for (g, m) in self.members.iter().enumerate() {
            let cols: Vec<usize> = (0..nc).filter(|&j| self.columns[j].group == g).collect();
            let c: Constraint = constraint!(sum(&cols) == m.len() as f64);
            refs.push(model.add_constraint(c));
        }
        for (cap, cols) in &self.capacity_rows {
            refs.push(model.add_constraint(constraint!(sum(cols) <= *cap)));
        }
        for (row, &v) in self.response.iter().zip(&c1) {
            refs.push(model.add_constraint(constraint!(v - sum(&row.cols) <= 0.0)));
        }
        for (row, &v) in self.backup.iter().zip(&c2) {
            refs.push(model.add_constraint(constraint!(2.0 * v - sum(&row.cols) <= 0.0)));
        }
        for &(e, i) in cuts {
            let others: Vec<usize> = self.backup[e]
                .cols
                .iter()
                .copied()
                .filter(|&j| j != i)
                .collect();
            refs.push(model.add_constraint(constraint!(c2[e] - sum(&others) <= 0.0)));
        }
        let mut solution = match model.solve() {
            Ok(s) => s,
            Err(good_lp::ResolutionError::Infeasible) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let x: Vec<f64> = x.iter().map(|&v| solution.value(v)).collect();
        let c2: Vec<f64> = c2.iter().map(|&v| solution.value(v)).collect();
        let primal = (self.response.iter().zip(&c1))
            .map(|(row, &v)| row.weight * solution.value(v))
            .chain(self.backup.iter().zip(&c2).map(|(row, v)| row.weight * v))
            .sum();
        let duals = solution.compute_dual();
        let y: Vec<f64> = refs.iter().map(|r| duals.dual(r.clone())).collect();
        Ok(Some(LpNode {
            bound: self.lagrangian_bound(bounds, cuts, &y),
            primal,
            x,
            c2,
        }))
    }

    /// `max over the box` of the Lagrangian with multipliers `y` (rows in the order
    /// groups, capacity, response, backup, cuts; inequality multipliers clamped to >= 0).
    fn lagrangian_bound(&self, bounds: &[(f64, f64)], cuts: &[(usize, usize)], y: &[f64]) -> f64 {
        let nc = self.columns.len();
        let ng = self.members.len();
        let mut rc = vec![0.0; nc];
        let mut bound = 0.0;
        let mut k = 0;
        for (g, m) in self.members.iter().enumerate() {
            let a = y[k];
            bound += a * m.len() as f64;
            for (j, c) in self.columns.iter().enumerate() {
                if c.group == g {
                    rc[j] -= a;
                }
            }
            k += 1;
        }
        debug_assert_eq!(k, ng);
        for (cap, cols) in &self.capacity_rows {
            let b = y[k].max(0.0);
            bound += b * cap;
            for &j in cols {
                rc[j] -= b;
            }
            k += 1;
        }
        for row in &self.response {
            let g = y[k].max(0.0);
            for &j in &row.cols {
                rc[j] += g;
            }
            bound += (row.weight - g).max(0.0);
            k += 1;
        }
        let mut c2_coef: Vec<f64> = self.backup.iter().map(|row| row.weight).collect();
        for (e, row) in self.backup.iter().enumerate() {
            let d = y[k].max(0.0);
            for &j in &row.cols {
                rc[j] += d;
            }
            c2_coef[e] -= 2.0 * d;
            k += 1;
        }
        for &(e, i) in cuts {
            let d = y[k].max(0.0);
            for &j in &self.backup[e].cols {
                if j != i {
                    rc[j] += d;
                }
            }
            c2_coef[e] -= d;
            k += 1;
        }
        for (e, &coef) in c2_coef.iter().enumerate() {
            let (lo, hi) = bounds[nc + e];
            bound += (coef * lo).max(coef * hi);
        }
        for (j, &r) in rc.iter().enumerate() {
            let (lo, hi) = bounds[j];
            bound += (r * lo).max(r * hi);
        }
        bound
    }

    /// Adds violated backup cuts `c2[e] <= sum_{j in S_e, j != i} x_j` for columns `i`
    /// with upper bound 1: a backup-covered row needs a second team besides the one at
    /// `i`. (`2 c2 <= sum x` alone lets one team earn half the backup value.) Returns how
    /// many were added.
    fn separate(&self, x: &[f64], c2: &[f64], cuts: &mut Vec<(usize, usize)>) -> usize {
        let mut added = 0;
        for (e, row) in self.backup.iter().enumerate() {
            if c2[e] <= INT_TOL {
                continue;
            }
            let total: f64 = row.cols.iter().map(|&j| x[j]).sum();
            let best = row
                .cols
                .iter()
                .copied()
                .filter(|&j| self.columns[j].upper <= 1.0)
                .max_by(|&a, &b| x[a].total_cmp(&x[b]).then(b.cmp(&a)));
            if let Some(i) = best {
                if c2[e] > total - x[i] + 1e-6 && !cuts.contains(&(e, i)) {
                    cuts.push((e, i));
                    added += 1;
                }
            }
        }
        added
    }

    /// Posts by problem position from integral column values.
    fn posts_of(&self, xv: &[f64]) -> Vec<u32> {
        let mut posts = vec![super::UNPLACED; self.prep.teams.len()];
        let mut next = vec![0usize; self.members.len()];
        for (j, c) in self.columns.iter().enumerate() {
            for _ in 0..xv[j].round().max(0.0) as usize {
                if let Some(&pos) = self.members[c.group].get(next[c.group]) {
                    posts[pos] = c.post;
                    next[c.group] += 1;
                }
            }
        }
        posts
    }
}

fn evaluate(problem: &SlotSiting, prep: &Prepared, posts: &[u32]) -> Option<f64> {
    let mut counts = CoverCounts::new(problem.instance, problem.slot);
    for (i, &p) in posts.iter().enumerate() {
        if p == super::UNPLACED || !counts.has_room(p) {
            return None;
        }
        counts.add(prep.teams[i], p);
    }
    Some(counts.recomputed_value())
}

/// Upper bound on the value of every feasible siting of `problem`: the root LP
/// relaxation's Lagrangian bound (`None` if the solver fails or the problem is infeasible).
pub fn lp_bound(problem: &SlotSiting, time_limit: Duration) -> Option<f64> {
    let model = Model::new(problem);
    match model.solve_lp(&model.root_box(), &[], time_limit.as_secs_f64()) {
        Ok(Some(node)) => Some(node.bound),
        _ => None,
    }
}

/// Proven-optimal siting (posts in problem order, value), or `None` when optimality is
/// not proven within `time_limit` (or the problem has no feasible siting).
pub fn solve_exact(problem: &SlotSiting, time_limit: Duration) -> Option<(Vec<u32>, f64)> {
    let out = solve_exact_report(problem, time_limit);
    out.proven.then_some((out.posts, out.value))
}

const INT_TOL: f64 = 1e-5;
/// Separation rounds per node.
const CUT_ROUNDS: usize = 4;

/// Branch and bound from the greedy + swap siting, depth first, branching on the most
/// fractional column (up branch first), then on the backup indicator with the largest
/// fractional value at stake. Stops at `time_limit` with the best bound of open nodes.
pub fn solve_exact_report(problem: &SlotSiting, time_limit: Duration) -> ExactOutcome {
    solve_exact_limited(problem, time_limit, usize::MAX)
}

/// [`solve_exact_report`] that also stops after `max_nodes` nodes: with a time limit
/// that does not bind, the outcome then does not depend on the machine's speed (the
/// search uses it as a move and must stay reproducible).
pub fn solve_exact_limited(
    problem: &SlotSiting,
    time_limit: Duration,
    max_nodes: usize,
) -> ExactOutcome {
    let started = Instant::now();
    let model = Model::new(problem);
    let nc = model.columns.len();
    let mut best_posts = site_slot(problem, None);
    let mut best = evaluate(problem, &model.prep, &best_posts).unwrap_or(f64::NEG_INFINITY);
    // Open nodes with the bound of their parent.
    let mut stack: Vec<(Vec<(f64, f64)>, f64)> = vec![(model.root_box(), f64::INFINITY)];
    let mut unresolved = f64::NEG_INFINITY;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut nodes = 0;
    // Below this a node cannot beat the incumbent by more than the 1e-6 relative tolerance.
    let cut = |v: f64| {
        if v.is_finite() {
            v + 1e-6 * v.abs().max(1.0)
        } else {
            f64::NEG_INFINITY
        }
    };
    while let Some((bounds, parent)) = stack.pop() {
        if parent <= cut(best) {
            continue;
        }
        let left = time_limit.as_secs_f64() - started.elapsed().as_secs_f64();
        if left <= 0.0 || nodes >= max_nodes {
            stack.push((bounds, parent));
            break;
        }
        nodes += 1;
        let mut solved = model.solve_lp(&bounds, &cuts, left);
        // Cut rounds: add violated backup cuts (valid everywhere) and re-solve.
        for _ in 0..CUT_ROUNDS {
            let Ok(Some(n)) = &solved else { break };
            let found = model.separate(&n.x, &n.c2, &mut cuts);
            let left = time_limit.as_secs_f64() - started.elapsed().as_secs_f64();
            if found == 0 || left <= 0.0 {
                break;
            }
            solved = model.solve_lp(&bounds, &cuts, left);
        }
        let (bound, xv, c2v) = match solved {
            Ok(Some(n)) => (n.bound, n.x, n.c2),
            Ok(None) => continue,
            Err(_) => {
                unresolved = unresolved.max(parent);
                continue;
            }
        };
        let bound = bound.min(parent);
        if bound <= cut(best) {
            continue;
        }
        let frac = |v: f64| (v - v.round()).abs();
        let branch_x = (0..nc)
            .filter(|&j| frac(xv[j]) > INT_TOL)
            .max_by(|&a, &b| frac(xv[a]).total_cmp(&frac(xv[b])).then(b.cmp(&a)));
        if let Some(j) = branch_x {
            let v = xv[j];
            let mut down = bounds.clone();
            down[j].1 = v.floor();
            let mut up = bounds;
            up[j].0 = v.ceil();
            stack.push((down, bound));
            stack.push((up, bound));
            continue;
        }
        let posts = model.posts_of(&xv);
        if let Some(value) = evaluate(problem, &model.prep, &posts) {
            if value > best {
                best = value;
                best_posts = posts;
            }
        }
        if bound <= cut(best) {
            continue;
        }
        // Integral placement, but the LP still pays for half-covered backup rows.
        let stake = |e: usize| model.backup[e].weight * frac(c2v[e]);
        let branch_c2 = (0..model.backup.len())
            .filter(|&e| frac(c2v[e]) > INT_TOL)
            .max_by(|&a, &b| stake(a).total_cmp(&stake(b)).then(b.cmp(&a)));
        match branch_c2 {
            Some(e) => {
                let mut down = bounds.clone();
                down[nc + e].1 = 0.0;
                let mut up = bounds;
                up[nc + e].0 = 1.0;
                stack.push((down, bound));
                stack.push((up, bound));
            }
            None => unresolved = unresolved.max(bound),
        }
    }
    let open = stack.iter().map(|(_, b)| *b).fold(unresolved, f64::max);
    let bound = open.max(best);
    let proven = best.is_finite() && bound <= cut(best);
    ExactOutcome {
        posts: best_posts,
        value: best,
        bound,
        proven,
        nodes,
        elapsed: started.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::siting::random::{whole_problem, CoveringSpec};
    use crate::siting::slot_cover_value;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn small(seed: u64) -> crate::model::Instance {
        let mut spec = CoveringSpec::mclp(14, 3, 8.0, seed);
        spec.backup_weight = 0.4;
        spec.sites = 6;
        spec.instance()
    }

    /// Best value over all placements of the (identical) teams, capacity 1 per post.
    fn brute(inst: &crate::model::Instance, teams: usize) -> f64 {
        let posts = inst.posts().len() as u32;
        let mut best = 0.0f64;
        for a in 0..posts {
            for b in a + 1..posts {
                for c in b + 1..posts {
                    let placed = [(0, a), (1, b), (2, c)];
                    best = best.max(slot_cover_value(inst, 0, &placed[..teams]));
                }
            }
        }
        best
    }

    #[test]
    fn any_multipliers_give_a_bound_above_the_optimum() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for seed in 0..5 {
            let inst = small(seed);
            let problem = whole_problem(&inst);
            let model = Model::new(&problem);
            let opt = brute(&inst, 3);
            // Every backup cut (all columns have upper bound 1 here).
            let cuts: Vec<(usize, usize)> = (model.backup.iter().enumerate())
                .flat_map(|(e, row)| row.cols.iter().map(move |&i| (e, i)))
                .collect();
            let rows = model.members.len()
                + model.capacity_rows.len()
                + model.response.len()
                + model.backup.len()
                + cuts.len();
            for _ in 0..50 {
                let y: Vec<f64> = (0..rows).map(|_| rng.random_range(-2.0..5.0)).collect();
                let b = model.lagrangian_bound(&model.root_box(), &cuts, &y);
                assert!(b >= opt - 1e-9, "seed {seed}: {b} < {opt}");
            }
        }
    }

    #[test]
    fn the_dual_bound_matches_the_lp_optimum() {
        for seed in 0..5 {
            let inst = small(seed);
            let problem = whole_problem(&inst);
            let model = Model::new(&problem);
            let node = model
                .solve_lp(&model.root_box(), &[], 10.0)
                .unwrap()
                .unwrap();
            let tol = 1e-5 * node.primal.max(1.0);
            assert!(
                (node.bound - node.primal).abs() <= tol,
                "{} vs {}",
                node.bound,
                node.primal
            );
            assert!(node.bound >= brute(&inst, 3) - 1e-9);
        }
    }
}
