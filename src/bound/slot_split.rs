//! A bound on a few mobile teams by splitting the plan into "who works when" and
//! "where the workers stand" (Lagrangian decomposition over slots).
//!
//! For a set of mobile teams (one mobile component of the large Lagrangian, so no
//! other team changes its regions' cover), the cover of slot `s` depends only on which
//! teams work in `s` and where they stand. Let `f_s(S)` be the best cover value of slot
//! `s` with exactly the teams `S` at work, each at a post in its reach, posts within
//! capacity (computed exactly by enumeration; hops between slots dropped, which can
//! only raise it). Every feasible schedule's cover of the component is then at most
//! `sum_s f_s(S_s)`, with `S_s` the teams its shifts put to work in `s`. Copy the
//! working flag `x[k,s]` into the slot problems and price the copy with any real
//! `lambda[k,s]`:
//!
//! `sum_s max_S (f_s(S) - sum_{k in S} lambda[k,s]) + sum_k max_{pattern of k} sum_{s
//! worked} lambda[k,s]`
//!
//! is an upper bound for every `lambda` (each team's pattern keeps shift length, rest,
//! availability and, priced by bisection, the work limit: [`ShiftDp`]). Unlike the
//! large Lagrangian's per-slot covering relaxation it keeps each slot's siting integral
//! (one team at one post, cover counted once): on the small preset's mobile side
//! (`generate --preset small`, 8 teams) the covering relaxation stands about 9 % above
//! the plans, and this split cuts into that gap (docs/bound.md).
//!
//! Cost: `f_s` is tabulated once per slot over every subset of the available teams by
//! a depth-first enumeration of (team -> post or idle), `prod_k (1 + posts_k)` leaves
//! a slot; components above [`MAX_TEAMS`] teams or [`MAX_LEAVES`] leaves are skipped.
//! An evaluation then costs `slots x 2^teams` plus one shift DP per team and work-limit
//! trial.

use crate::model::{Instance, TeamKind};

use super::lagrangian::Until;
use super::shift_dp::ShiftDp;

/// Most teams in a component (the tables hold `2^teams` values per slot).
pub const MAX_TEAMS: usize = 12;

/// Most enumeration leaves over all slots of a component.
pub const MAX_LEAVES: f64 = 3.0e7;

/// Multiplier evaluations at most.
pub const MAX_EVALUATIONS: usize = 1_000;

/// Non-improving evaluations before the step factor is halved.
const PATIENCE: usize = 10;

/// The search ends when the step factor is below this.
const THETA_MIN: f64 = 1e-4;

/// Relative distance below the best value that the Polyak steps aim at.
const TARGET_GAP: f64 = 0.03;

/// The slot tables of one component: per slot, `g_s(n)` for `n = 0..=teams`, the best
/// cover of `n` teams standing anywhere in the component's posts (`-inf` where `n`
/// teams do not fit the posts' capacity).
struct Tables {
    teams: Vec<usize>,
    slots: usize,
    g: Vec<Vec<f64>>,
}

/// The bound of the mobile teams `teams` (team indices, all mobile, together forming a
/// component: no team outside them reaches their regions' cover), or `None` when the
/// component is too large for the enumeration or `until` passed first. `floor` is a
/// feasible schedule's value of the component (0 if none): the steps never aim below
/// it.
pub fn split_bound(
    inst: &Instance,
    teams: &[usize],
    floor: f64,
    until: Until,
    max_evaluations: usize,
) -> Option<f64> {
    if teams.is_empty()
        || teams.len() > MAX_TEAMS
        || teams
            .iter()
            .any(|&k| inst.teams()[k].kind != TeamKind::Mobile)
    {
        return None;
    }
    let tables = Tables::new(inst, teams, until)?;
    Some(tables.search(inst, floor, until, max_evaluations))
}

impl Tables {
    fn new(inst: &Instance, teams: &[usize], until: Until) -> Option<Tables> {
        let slots = inst.slots();
        let reach = inst.reach();
        // The posts any of the teams can stand at, each with the union of the teams'
        // response and backup sets from it (teams of other speeds may cover more).
        let mut posts: Vec<u32> = teams
            .iter()
            .flat_map(|&k| reach.locations(k).iter().copied())
            .collect();
        posts.sort_unstable();
        posts.dedup();
        let union = |backup: bool, p: usize| -> Vec<u32> {
            let mut out: Vec<u32> = teams
                .iter()
                .filter(|&&k| reach.locations(k).contains(&(p as u32)))
                .flat_map(|&k| {
                    if backup {
                        reach.backup_regions(k, p)
                    } else {
                        reach.response_regions(k, p)
                    }
                    .iter()
                    .copied()
                })
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let resp: Vec<Vec<u32>> = posts.iter().map(|&p| union(false, p as usize)).collect();
        let back: Vec<Vec<u32>> = posts.iter().map(|&p| union(true, p as usize)).collect();
        let mut cap: Vec<u32> = posts
            .iter()
            .map(|&p| inst.posts()[p as usize].capacity.min(teams.len() as u32))
            .collect();
        // Posts in decreasing order of what they can cover over the horizon: good
        // sitings come first, and the pruning below cuts more.
        let obj = inst.objective();
        let weight =
            |r: &u32, w: f64| -> f64 { inst.regions()[*r as usize].risk.iter().sum::<f64>() * w };
        let mut by: Vec<(f64, usize)> = (0..posts.len())
            .map(|j| {
                let a: f64 = resp[j].iter().map(|r| weight(r, obj.response_weight)).sum();
                let b: f64 = back[j].iter().map(|r| weight(r, obj.backup_weight)).sum();
                (a + b, j)
            })
            .collect();
        by.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let resp: Vec<Vec<u32>> = by.iter().map(|&(_, j)| resp[j].clone()).collect();
        let back: Vec<Vec<u32>> = by.iter().map(|&(_, j)| back[j].clone()).collect();
        cap = by.iter().map(|&(_, j)| cap[j]).collect();
        // Leaves: multisets of at most `teams` posts within capacity.
        let m = teams.len();
        let mut ways = vec![0.0f64; m + 1];
        ways[0] = 1.0;
        for &c in &cap {
            for n in (0..=m).rev() {
                let mut add = 0.0;
                for u in 1..=(c as usize).min(n) {
                    add += ways[n - u];
                }
                ways[n] += add;
            }
        }
        let leaves: f64 = ways.iter().sum::<f64>() * slots as f64;
        if leaves > MAX_LEAVES {
            return None;
        }
        let nr = inst.regions().len();
        let mut e = Enumeration {
            resp: &resp,
            back: &back,
            cap: &cap,
            alpha: vec![0.0; nr],
            beta: vec![0.0; nr],
            n1: vec![0; nr],
            n2: vec![0; nr],
            g: Vec::new(),
            most: m,
            ahead: Vec::new(),
            steps: 0,
            until,
            stopped: false,
        };
        let mut g = Vec::with_capacity(slots);
        for s in 0..slots {
            for (r, region) in inst.regions().iter().enumerate() {
                e.alpha[r] = obj.response_weight * region.risk[s];
                e.beta[r] = obj.backup_weight * region.risk[s];
            }
            e.g = vec![f64::NEG_INFINITY; m + 1];
            e.prepare();
            e.visit(0, 0, 0.0);
            if e.stopped {
                return None;
            }
            g.push(std::mem::take(&mut e.g));
        }
        Some(Tables {
            teams: teams.to_vec(),
            slots,
            g,
        })
    }

    /// The Lagrangian value at `lambda` (`lambda[i * slots + s]`) and a subgradient
    /// (`worked - sited`, per team and slot), with a relative margin of 1e-9 for
    /// rounding. The slot part: the best `n` and, for it, the `n` available teams of
    /// least `lambda` (any `n` teams stand anywhere in `g_s`).
    fn evaluate(&self, inst: &Instance, lambda: &[f64], dps: &mut [ShiftDp]) -> (f64, Vec<f64>) {
        let (m, slots) = (self.teams.len(), self.slots);
        let mut grad = vec![0.0; m * slots];
        let mut total = 0.0;
        let mut magnitude = 0.0;
        let can = |i: usize, s: usize| {
            let k = self.teams[i];
            inst.teams()[k].is_available(s) && !inst.reach().locations(k).is_empty()
        };
        let mut order: Vec<usize> = Vec::with_capacity(m);
        for s in 0..slots {
            let g = &self.g[s];
            order.clear();
            order.extend((0..m).filter(|&i| can(i, s)));
            order.sort_by(|&a, &b| lambda[a * slots + s].total_cmp(&lambda[b * slots + s]));
            let mut best = (g[0], 0usize);
            let mut paid = 0.0;
            for (n, &i) in order.iter().enumerate() {
                paid += lambda[i * slots + s];
                let v = g[n + 1] - paid;
                if g[n + 1] > f64::NEG_INFINITY && v > best.0 {
                    best = (v, n + 1);
                }
            }
            total += best.0;
            magnitude += best.0.abs() + g[best.1].abs();
            for &i in &order[..best.1] {
                grad[i * slots + s] -= 1.0;
            }
        }
        let mut worked = Vec::new();
        let mut values = vec![0.0; slots];
        for (i, &k) in self.teams.iter().enumerate() {
            let rules = inst.rules_of(k);
            let max_work = rules.max_work_slots as f64;
            let dp = &mut dps[i];
            let mut run = |mu: f64, worked: &mut Vec<bool>| {
                for s in 0..slots {
                    values[s] = if can(i, s) {
                        lambda[i * slots + s] - mu
                    } else {
                        f64::NEG_INFINITY
                    };
                }
                let v = dp.solve(&values, worked) + mu * max_work;
                (v, worked.iter().filter(|&&w| w).count() as f64)
            };
            // Any work-limit multiplier mu >= 0 gives an upper value; the smallest
            // tried is kept (T(mu) is convex, slope max_work - count).
            let (v0, c0) = run(0.0, &mut worked);
            let mut best = (v0, worked.clone());
            if c0 > max_work {
                let top = (0..slots)
                    .map(|s| lambda[i * slots + s].abs())
                    .fold(0.0, f64::max)
                    + 1.0;
                let (mut lo, mut hi) = (0.0, top);
                for _ in 0..20 {
                    let mid = 0.5 * (lo + hi);
                    let (v, c) = run(mid, &mut worked);
                    if v < best.0 {
                        best = (v, worked.clone());
                    }
                    if c > max_work {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                let (v, _) = run(hi, &mut worked);
                if v < best.0 {
                    best = (v, worked.clone());
                }
            }
            total += best.0;
            magnitude += best.0.abs();
            for s in 0..slots {
                if best.1[s] {
                    grad[i * slots + s] += 1.0;
                }
            }
        }
        (total + 1e-9 * magnitude, grad)
    }

    /// Polyak subgradient steps from each team's marginal value in the slot's best
    /// siting; returns the smallest value met (every value is a bound).
    fn search(&self, inst: &Instance, floor: f64, until: Until, max_evaluations: usize) -> f64 {
        let (m, slots) = (self.teams.len(), self.slots);
        // Start: each slot's marginal value of one more team at the best count.
        let mut lambda = vec![0.0; m * slots];
        for s in 0..slots {
            let g = &self.g[s];
            let top = (0..g.len())
                .max_by(|&a, &b| g[a].total_cmp(&g[b]))
                .unwrap_or(0);
            let marginal = if top > 0 && g[top - 1] > f64::NEG_INFINITY {
                g[top] - g[top - 1]
            } else {
                0.0
            };
            for i in 0..m {
                lambda[i * slots + s] = marginal;
            }
        }
        let mut dps: Vec<ShiftDp> = self
            .teams
            .iter()
            .map(|&k| ShiftDp::new(inst.rules_of(k)))
            .collect();
        let mut best = f64::INFINITY;
        let mut theta = 1.0;
        let mut stall = 0;
        for it in 0..max_evaluations.max(1) {
            if it > 0 && until.passed() {
                break;
            }
            let (value, grad) = self.evaluate(inst, &lambda, &mut dps);
            if value < best {
                best = value;
                stall = 0;
            } else {
                stall += 1;
                if stall >= PATIENCE {
                    theta /= 2.0;
                    stall = 0;
                }
            }
            let norm: f64 = grad.iter().map(|g| g * g).sum();
            if norm == 0.0 || theta < THETA_MIN {
                break; // a zero subgradient: these multipliers are optimal
            }
            let target = (best * (1.0 - TARGET_GAP)).max(if floor < best { floor } else { 0.0 });
            let step = theta * (value - target).max(1e-9 * value.abs().max(1.0)) / norm;
            for (l, g) in lambda.iter_mut().zip(&grad) {
                *l -= step * g;
            }
        }
        best
    }
}

/// The depth-first enumeration of one slot's sitings: how many teams stand at each
/// post, at most `most` in all.
struct Enumeration<'a> {
    resp: &'a [Vec<u32>],
    back: &'a [Vec<u32>],
    cap: &'a [u32],
    alpha: Vec<f64>,
    beta: Vec<f64>,
    n1: Vec<u32>,
    n2: Vec<u32>,
    g: Vec<f64>,
    most: usize,
    /// Per post position `j` and count `k`: the most that `k` more teams at the posts
    /// from `j` on can add (the `k` largest single-team gains: a team adds at most its
    /// post's response and backup values, a second team at the same post only the
    /// backup values), for pruning.
    ahead: Vec<Vec<f64>>,
    steps: u64,
    until: Until<'a>,
    stopped: bool,
}

impl Enumeration<'_> {
    /// Fills `ahead` for the slot's values.
    fn prepare(&mut self) {
        let np = self.cap.len();
        let mut gains: Vec<f64> = Vec::new();
        self.ahead = vec![vec![0.0; self.most + 1]; np + 1];
        for j in (0..np).rev() {
            let b: f64 = self.back[j].iter().map(|&r| self.beta[r as usize]).sum();
            let a: f64 = self.resp[j].iter().map(|&r| self.alpha[r as usize]).sum();
            gains.push(a + b);
            for _ in 1..self.cap[j] {
                gains.push(b);
            }
            gains.sort_unstable_by(|x, y| y.total_cmp(x));
            let row = &mut self.ahead[j];
            for k in 1..=self.most {
                row[k] = row[k - 1] + gains.get(k - 1).copied().unwrap_or(0.0);
            }
        }
    }

    /// Decides post `j` (0 up to its capacity teams); `n` teams are placed so far,
    /// `val` their cover value.
    fn visit(&mut self, j: usize, n: usize, val: f64) {
        if self.stopped {
            return;
        }
        self.steps += 1;
        if self.steps % 65_536 == 0 && self.until.passed() {
            self.stopped = true;
            return;
        }
        if val > self.g[n] {
            self.g[n] = val;
        }
        if j == self.cap.len() || n == self.most {
            return;
        }
        // Nothing below can beat what is known for any count: cut.
        let ahead = &self.ahead[j];
        if (n + 1..=self.most).all(|t| val + ahead[t - n] <= self.g[t]) {
            return;
        }
        self.visit(j + 1, n, val);
        let mut v = val;
        let mut placed = 0;
        for _ in 0..self.cap[j].min((self.most - n) as u32) {
            placed += 1;
            for &r in &self.resp[j] {
                let r = r as usize;
                if self.n1[r] == 0 {
                    v += self.alpha[r];
                }
                self.n1[r] += 1;
            }
            for &r in &self.back[j] {
                let r = r as usize;
                self.n2[r] += 1;
                if self.n2[r] == 2 {
                    v += self.beta[r];
                }
            }
            self.visit(j + 1, n + placed, v);
        }
        for _ in 0..placed {
            for &r in &self.resp[j] {
                self.n1[r as usize] -= 1;
            }
            for &r in &self.back[j] {
                self.n2[r as usize] -= 1;
            }
        }
    }
}
