//! Exact siting for small and classic-size problems: LP-based branch and bound.
//!
//! Identical teams (same cover class, same allowed posts) are merged into groups with
//! an integer count per post, which removes their symmetry; regions that the same
//! (group, post) columns cover are merged by summing their risk (separately for the
//! response and the backup term, which are separable).
//!
//! The branch and bound ([`solve_exact_limited`]) tightens the root LP with rounds of
//! backup cuts and then branches with microlp's dual simplex, which re-solves each node
//! from its parent's basis (a few pivots, no model rebuilt per node). Its work is
//! counted in nodes and pivots, so a node-limited run is reproducible.
//!
//! [`lp_bound`] is the rigorous root bound: the LP solved by clarabel, and the bound
//! taken not from the solver's objective but from the Lagrangian value of its duals
//! (clamped to the right sign) over the variable box, which is a valid upper bound for
//! *any* multipliers, so an inexact interior-point solve can make it weaker but never
//! wrong.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use microlp::{
    ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolutionStatus, SolveOptions,
    SolveOutcome, Variable,
};

use good_lp::{
    clarabel, constraint, variable, Constraint, DualValues, Expression, ProblemVariables, Solution,
    SolutionWithDual, SolverModel, Variable as LpVariable,
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
    /// Simplex pivots of every LP solved (the root's cut rounds and the nodes): the
    /// deterministic measure of the work done.
    pub pivots: u64,
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
        let x: Vec<LpVariable> = bounds[..nc]
            .iter()
            .map(|&(lo, hi)| vars.add(variable().min(lo).max(hi)))
            .collect();
        let c1: Vec<LpVariable> = self
            .response
            .iter()
            .map(|_| vars.add(variable().min(0.0).max(1.0)))
            .collect();
        let c2: Vec<LpVariable> = bounds[nc..]
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
        let primal = (self.response.iter().zip(&c1))
            .map(|(row, &v)| row.weight * solution.value(v))
            .chain((self.backup.iter().zip(&c2)).map(|(row, &v)| row.weight * solution.value(v)))
            .sum();
        let duals = solution.compute_dual();
        let y: Vec<f64> = refs.iter().map(|r| duals.dual(r.clone())).collect();
        Ok(Some(LpNode {
            bound: self.lagrangian_bound(bounds, cuts, &y),
            primal,
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

/// Branch and bound from the greedy + swap siting (see [`solve_exact_limited`]); stops
/// at `time_limit` with the best bound of open nodes.
pub fn solve_exact_report(problem: &SlotSiting, time_limit: Duration) -> ExactOutcome {
    solve_exact_limited(problem, time_limit, usize::MAX)
}

/// Largest number of root cut rounds (each adds the violated backup cuts and re-solves
/// the root LP from its previous basis).
const ROOT_CUT_ROUNDS: usize = 12;

/// The exact siting: the aggregated model above, its root LP tightened by rounds of
/// backup cuts, then branch and bound by microlp's dual simplex (each node starts from
/// its parent's basis, so a node costs a few pivots rather than a fresh solve; branching
/// by pseudocosts, depth first with jumps to the best bound), warm-started from the
/// greedy + swap siting. Stops after `max_nodes` nodes or at `time_limit`; with a time
/// limit that does not bind the outcome does not depend on the machine's speed (the
/// search uses it as a move, budgeted in nodes, and must stay reproducible).
///
/// `bound` is the solver's best bound (its dual simplex's, to its 1e-9 tolerances; the
/// rigorous Lagrangian root bound is [`lp_bound`]); `proven` means the search closed
/// within 1e-6 relative.
pub fn solve_exact_limited(
    problem: &SlotSiting,
    time_limit: Duration,
    max_nodes: usize,
) -> ExactOutcome {
    solve_exact_from(problem, None, time_limit, max_nodes)
}

/// [`solve_exact_limited`] with its incumbent warm-started from `start` (one post per
/// team in problem order, as [`site_slot`]'s warm start): the search's current siting,
/// already good, prunes more of the tree than a siting from scratch, and the outcome is
/// never worse than [`site_slot`] from `start`.
pub fn solve_exact_from(
    problem: &SlotSiting,
    start: Option<&[u32]>,
    time_limit: Duration,
    max_nodes: usize,
) -> ExactOutcome {
    let started = Instant::now();
    let model = Model::new(problem);
    let best_posts = site_slot(problem, start);
    let best = evaluate(problem, &model.prep, &best_posts).unwrap_or(f64::NEG_INFINITY);
    let heuristic = ExactOutcome {
        posts: best_posts.clone(),
        value: best,
        bound: f64::INFINITY,
        proven: false,
        nodes: 0,
        pivots: 0,
        elapsed: Duration::ZERO,
    };
    // A numerical failure inside the LP solver must not take the caller down: the
    // heuristic siting stands then.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        model.mip(problem, &best_posts, best, time_limit, max_nodes)
    }));
    let mut out = match run {
        Ok(Some(out)) => out,
        _ => heuristic,
    };
    out.elapsed = started.elapsed();
    out
}

impl Model {
    /// Root cuts, then the MIP; `None` when the solver fails or finds no siting.
    fn mip(
        &self,
        problem: &SlotSiting,
        start: &[u32],
        start_value: f64,
        time_limit: Duration,
        max_nodes: usize,
    ) -> Option<ExactOutcome> {
        let started = Instant::now();
        let (cuts, root_pivots) = self.root_cuts(time_limit);
        let (lp, x, c1, c2) = self.microlp_problem(&cuts, true);
        let mut options = SolveOptions::default();
        options.node_limit = Some(max_nodes.min(u64::MAX as usize) as u64);
        options.mip_gap = 1e-7;
        let left = time_limit.saturating_sub(started.elapsed());
        options.time_limit = (left < Duration::from_secs(86_400 * 365)).then_some(left);
        if start_value.is_finite() {
            options.warm_start = Some(self.hint(start, &x, &c1, &c2));
        }
        let outcome = lp.solve_with(options).ok()?;
        let nodes = outcome.stats().nodes_solved as usize;
        let pivots = root_pivots + outcome.stats().lp_iterations;
        let solution = outcome.solution()?;
        let xv: Vec<f64> = x.iter().map(|&v| solution.var_value(v)).collect();
        let posts = self.posts_of(&xv);
        let value = evaluate(problem, &self.prep, &posts)?;
        let (posts, value) = if value >= start_value {
            (posts, value)
        } else {
            (start.to_vec(), start_value)
        };
        let closed = solution.status() == SolutionStatus::Optimal;
        let bound = match solution.stats().best_bound {
            Some(b) if !closed => b.max(value),
            _ => value,
        };
        let proven = closed || bound <= value + 1e-6 * value.abs().max(1.0);
        Some(ExactOutcome {
            posts,
            value,
            bound,
            proven,
            nodes,
            pivots,
            elapsed: started.elapsed(),
        })
    }

    /// Backup cuts found at the root: the LP relaxation solved, violated cuts added
    /// (warm: the LP re-solved from its basis), up to [`ROOT_CUT_ROUNDS`] times.
    fn root_cuts(&self, time_limit: Duration) -> (Vec<(usize, usize)>, u64) {
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        if self.backup.is_empty() {
            return (cuts, 0);
        }
        let started = Instant::now();
        let (lp, x, _, c2) = self.microlp_problem(&[], false);
        let Ok(SolveOutcome::Solution(mut sol)) = lp.solve() else {
            return (cuts, 0);
        };
        for _ in 0..ROOT_CUT_ROUNDS {
            let xv: Vec<f64> = x.iter().map(|&v| sol.var_value(v)).collect();
            let c2v: Vec<f64> = c2.iter().map(|&v| sol.var_value(v)).collect();
            let before = cuts.len();
            if self.separate(&xv, &c2v, &mut cuts) == 0 || started.elapsed() >= time_limit {
                break;
            }
            for &(e, i) in &cuts[before..] {
                let expr = self.cut_expr(e, i, &x, &c2);
                match sol.add_constraint(expr, ComparisonOp::Le, 0.0) {
                    Ok(SolveOutcome::Solution(next)) => sol = next,
                    _ => return (cuts, 0),
                }
            }
        }
        let pivots = sol.stats().lp_iterations;
        (cuts, pivots)
    }

    /// `c2[e] - sum_{j in S_e, j != i} x_j` (a backup cut's left-hand side, `<= 0`).
    fn cut_expr(&self, e: usize, i: usize, x: &[Variable], c2: &[Variable]) -> LinearExpr {
        let mut expr = LinearExpr::empty();
        expr.add(c2[e], 1.0);
        for &j in &self.backup[e].cols {
            if j != i {
                expr.add(x[j], -1.0);
            }
        }
        expr
    }

    /// The model (with `cuts`) for microlp: integral `x` and `c2` when `integral`.
    fn microlp_problem(
        &self,
        cuts: &[(usize, usize)],
        integral: bool,
    ) -> (Problem, Vec<Variable>, Vec<Variable>, Vec<Variable>) {
        let mut lp = Problem::new(OptimizationDirection::Maximize);
        let x: Vec<Variable> = self
            .columns
            .iter()
            .map(|c| {
                if integral {
                    lp.add_integer_var(0.0, (0, c.upper as i32))
                } else {
                    lp.add_var(0.0, (0.0, c.upper))
                }
            })
            .collect();
        let c1: Vec<Variable> = (self.response.iter())
            .map(|row| lp.add_var(row.weight, (0.0, 1.0)))
            .collect();
        let c2: Vec<Variable> = (self.backup.iter())
            .map(|row| {
                if integral {
                    lp.add_binary_var(row.weight)
                } else {
                    lp.add_var(row.weight, (0.0, 1.0))
                }
            })
            .collect();
        let mut by_group: Vec<LinearExpr> =
            self.members.iter().map(|_| LinearExpr::empty()).collect();
        for (j, c) in self.columns.iter().enumerate() {
            by_group[c.group].add(x[j], 1.0);
        }
        for (expr, m) in by_group.into_iter().zip(&self.members) {
            lp.add_constraint(expr, ComparisonOp::Eq, m.len() as f64);
        }
        for (cap, cols) in &self.capacity_rows {
            let expr: LinearExpr = cols.iter().map(|&j| (x[j], 1.0)).collect();
            lp.add_constraint(expr, ComparisonOp::Le, *cap);
        }
        for (row, &v) in self.response.iter().zip(&c1) {
            let mut expr: LinearExpr = row.cols.iter().map(|&j| (x[j], -1.0)).collect();
            expr.add(v, 1.0);
            lp.add_constraint(expr, ComparisonOp::Le, 0.0);
        }
        for (row, &v) in self.backup.iter().zip(&c2) {
            let mut expr: LinearExpr = row.cols.iter().map(|&j| (x[j], -1.0)).collect();
            expr.add(v, 2.0);
            lp.add_constraint(expr, ComparisonOp::Le, 0.0);
        }
        for &(e, i) in cuts {
            lp.add_constraint(self.cut_expr(e, i, &x, &c2), ComparisonOp::Le, 0.0);
        }
        (lp, x, c1, c2)
    }

    /// A siting (posts by problem position) as values of the model's variables.
    fn hint(
        &self,
        posts: &[u32],
        x: &[Variable],
        c1: &[Variable],
        c2: &[Variable],
    ) -> Vec<(Variable, f64)> {
        let mut xv = vec![0.0; self.columns.len()];
        for (pos, &p) in posts.iter().enumerate() {
            let g = self.prep.group[pos];
            if let Some(j) = (self.columns.iter()).position(|c| c.group == g && c.post == p) {
                xv[j] += 1.0;
            }
        }
        let count = |cols: &[usize]| cols.iter().map(|&j| xv[j]).sum::<f64>();
        let mut hint: Vec<(Variable, f64)> = x.iter().copied().zip(xv.iter().copied()).collect();
        for (row, &v) in self.response.iter().zip(c1) {
            hint.push((v, count(&row.cols).min(1.0)));
        }
        for (row, &v) in self.backup.iter().zip(c2) {
            hint.push((v, if count(&row.cols) >= 2.0 { 1.0 } else { 0.0 }));
        }
        hint
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
