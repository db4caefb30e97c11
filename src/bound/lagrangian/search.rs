//! The multiplier search of the Lagrangian bound: starting prices from a hint,
//! per-cell price steps, and the best prices kept per component (see
//! [`super::super::components`]).

#![allow(clippy::needless_range_loop)]

use super::{hint, Gradient, Prices, Problem};

/// Step length of the price search at the start; the Polyak step's factor is
/// `theta = eta / ETA_START` (1 at the start, halved with `eta`).
pub(super) const ETA_START: f64 = 0.1;
/// The search stops when the step falls below this.
pub(super) const ETA_MIN: f64 = 1e-5;
/// Non-improving evaluations before the step is halved.
pub(super) const PATIENCE: usize = 15;
/// The backup rows' prices move once a component's step is at most this.
pub(super) const ROWS_FROM_ETA: f64 = ETA_START / 4.0;
/// Weight of the previous direction in the deflected direction.
pub(super) const MOMENTUM: f64 = 0.5;
/// The Polyak step's target lies this far (relative) below a component's best value,
/// and never below a feasible schedule's share (see [`Problem::step`]).
pub(super) const TARGET_GAP: f64 = 0.05;

/// Best value and prices so far per component, step sizes, and the guide's sums.
pub(super) struct Search {
    pub(super) best: Vec<f64>,
    pub(super) best_prices: Prices,
    pub(super) eta: Vec<f64>,
    pub(super) stall: Vec<usize>,
    pub(super) presence_sum: Vec<f64>,
    pub(super) response_sum: Vec<f64>,
    pub(super) weight_sum: f64,
    pub(super) count: usize,
    /// Per component: an evaluation beat its starting value.
    pub(super) improved_once: Vec<bool>,
    /// Per component, a feasible schedule's share of the objective (0 without one):
    /// the Polyak step's target never goes below it.
    pub(super) floor: Vec<f64>,
    /// Per component, the smallest value an evaluation gave (`+inf` before any).
    pub(super) searched: Vec<f64>,
}

impl Search {
    pub(super) fn new(pb: &Problem) -> Search {
        let (n, c) = (pb.alpha.len(), pb.comps.count);
        Search {
            best: vec![f64::INFINITY; c],
            best_prices: pb.initial_prices(1.0),
            eta: vec![ETA_START; c],
            stall: vec![0; c],
            presence_sum: vec![0.0; n],
            response_sum: vec![0.0; n],
            weight_sum: 0.0,
            count: 0,
            improved_once: vec![false; c],
            floor: vec![0.0; c],
            searched: vec![f64::INFINITY; c],
        }
    }

    /// Per component, the Polyak step's target: [`TARGET_GAP`] below its best value,
    /// at least its floor while the floor is below the best value (a floor at or above
    /// it comes from an infeasible hint and is ignored).
    pub(super) fn target(&self) -> Vec<f64> {
        self.best
            .iter()
            .zip(&self.floor)
            .map(|(&b, &f)| {
                let t = b * (1.0 - TARGET_GAP);
                if f < b {
                    t.max(f)
                } else {
                    t
                }
            })
            .collect()
    }

    /// Per component, whether its backup rows' prices move (see [`ROWS_FROM_ETA`]).
    pub(super) fn rows_active(&self) -> Vec<bool> {
        self.eta.iter().map(|&e| e <= ROWS_FROM_ETA).collect()
    }

    /// The sum of the marked components' best values.
    pub(super) fn side_sum(&self, marked: &[bool]) -> f64 {
        (0..self.best.len())
            .filter(|&c| marked[c])
            .map(|c| self.best[c])
            .sum()
    }

    /// The bound: the sum of the components' best values.
    pub(super) fn bound(&self) -> f64 {
        self.best.iter().sum()
    }

    /// Keeps improved components' prices and accumulates the guide; returns, per
    /// component, whether it stalled for too long (then its step is halved).
    pub(super) fn record(
        &mut self,
        pb: &Problem,
        values: &[f64],
        grad: &Gradient,
        p: &Prices,
        full: bool,
    ) -> Vec<bool> {
        // The guide averages whole evaluations only.
        if full {
            self.count += 1;
            let wgt = self.count as f64;
            for i in 0..self.presence_sum.len() {
                self.presence_sum[i] += wgt * grad.chosen_presence[i];
                self.response_sum[i] += wgt * grad.chosen_response[i];
            }
            self.weight_sum += wgt;
        }
        let mut improved = vec![false; values.len()];
        let mut restart = vec![false; values.len()];
        for (c, &v) in values.iter().enumerate() {
            if v == f64::INFINITY {
                // Not priced in this evaluation (a mobile-only one, or the deadline).
                continue;
            }
            if v < self.best[c] {
                self.best[c] = v;
                improved[c] = true;
                self.improved_once[c] = true;
            }
            // A stall is measured against the search's own values, not the trivial
            // share: while a component's values come down from far above its trivial
            // share (the first evaluations on nanjing's mobile side: 1,739, 1,306,
            // 1,179, ... against 808) its step is not cut.
            if v < self.searched[c] {
                self.searched[c] = v;
                self.stall[c] = 0;
            } else {
                self.stall[c] += 1;
                if self.stall[c] >= PATIENCE {
                    self.stall[c] = 0;
                    self.eta[c] /= 2.0;
                    // A component that never beat its trivial share has no best prices
                    // to go back to but its start: going back there every PATIENCE
                    // evaluations kept jiangsu-grid's largest mobile components at the
                    // trivial share for the whole 60 s; they go on from where they are.
                    restart[c] = self.improved_once[c];
                }
            }
        }
        pb.copy_prices(&mut self.best_prices, p, &improved);
        restart
    }

    /// Resets the prices of the marked components to their best.
    pub(super) fn restore(&self, pb: &Problem, p: &mut Prices, mark: &[bool]) {
        pb.copy_prices(p, &self.best_prices, mark);
    }
}

impl Gradient {
    /// Zeroes the direction of the marked components (restarted from their best).
    pub(super) fn forget(&mut self, pb: &Problem, mark: &[bool]) {
        let (slots, comp) = (pb.slots, pb.comps);
        for i in 0..self.presence.len() {
            let r = i / slots;
            if mark[comp.presence[r]] {
                self.presence[i] = 0.0;
            }
            if mark[comp.cover[r]] {
                self.n1[i] = 0.0;
                self.n2[i] = 0.0;
                self.n3[i] = 0.0;
            }
        }
        for i in 0..self.mobile.len() {
            if mark[comp.post[i / slots]] {
                self.mobile[i] = 0.0;
            }
        }
        for (g, mu) in self.mu.iter_mut().enumerate() {
            if mark[comp.group[g]] {
                mu.iter_mut().for_each(|x| *x = 0.0);
            }
        }
    }

    /// `self = g + m * self` on the subgradient parts (a deflected direction).
    pub(super) fn blend(&mut self, g: &Gradient, m: f64) {
        let mix = |d: &mut [f64], g: &[f64]| {
            d.iter_mut().zip(g).for_each(|(d, g)| *d = g + m * *d);
        };
        mix(&mut self.presence, &g.presence);
        mix(&mut self.n1, &g.n1);
        mix(&mut self.n2, &g.n2);
        mix(&mut self.n3, &g.n3);
        mix(&mut self.mobile, &g.mobile);
        for (d, g) in self.mu.iter_mut().zip(&g.mu) {
            if d.len() == g.len() {
                mix(d, g);
            } else {
                d.clone_from(g);
            }
        }
    }
}

impl Problem<'_> {
    /// Prices read off a schedule's counts (see [`hint`]).
    pub(super) fn hint_prices(&self, c: &hint::HintCounts, tilt: f64) -> Prices {
        let inst = self.inst;
        let marg = &inst.objective().presence_marginals;
        let n = self.alpha.len();
        Prices {
            v: (0..n)
                .map(|i| hint::presence_price(inst.weights()[i], marg, c.presence[i], tilt))
                .collect(),
            q1: (0..n)
                .map(|i| self.full_response_price(i, c.n1[i]))
                .collect(),
            q2: (0..n).map(|i| self.full_backup_price(i, c.n2[i])).collect(),
            rho: vec![0.0; inst.posts().len() * self.slots],
            lambda: vec![0.0; self.groups.len()],
            q3: vec![0.0; n],
            mu: self.backup.zeros(self.slots),
        }
    }

    /// A Polyak step per component `c`: along the deflected direction `d`, each price
    /// `p_i` moves by `t_c s_i d_i` (projected on `>= 0`), where `s_i` is the price's
    /// value scale (`w m_1` for presence, `alpha` for `q1`, `beta / 2` for `q2`, `q3`
    /// and the backup rows, the mean `alpha` for posts) and
    /// `t_c = theta_c (L_c - T_c) / sum_i s_i d_i^2`: the step a linear model of the
    /// component's value needs to reach its target `T_c` (below its best value, never
    /// below a feasible schedule's share of it), times `theta_c`. Prices at zero that
    /// the step would push below zero count for nothing in the sum. Components not
    /// priced in this evaluation (`L_c = +inf`) do not move.
    ///
    /// It replaced a per-cell step of at most `eta` times the cell's scale (a
    /// tatonnement, `x / (|x| + 1)` of the excess): on nanjing's mobile side alone
    /// (`bound --time-limit 10`, a 2-core machine at load 7) that step stood at 670.7
    /// after 2 s and converged to 634.6; this one reaches 643 after 2 s and 628 when it
    /// converges.
    pub(super) fn step(
        &self,
        p: &mut Prices,
        d: &Gradient,
        eta: &[f64],
        values: &[f64],
        target: &[f64],
    ) {
        let (slots, comp) = (self.slots, self.comps);
        let m1 = self
            .inst
            .objective()
            .presence_marginals
            .first()
            .copied()
            .unwrap_or(0.0);
        let rho_scale = self.alpha.iter().sum::<f64>() / self.alpha.len().max(1) as f64;
        let mut norm = vec![0.0; comp.count];
        // One price's part of the sum: `x` its value, `s` its scale, `-e` the
        // direction it moves in.
        let part = |x: f64, s: f64, e: f64| if x <= 0.0 && e > 0.0 { 0.0 } else { s * e * e };
        for i in 0..p.v.len() {
            let r = i / slots;
            let (cv, cc) = (comp.presence[r], comp.cover[r]);
            norm[cv] += part(p.v[i], self.inst.weights()[i] * m1, d.presence[i]);
            norm[cc] += part(p.q1[i], self.alpha[i], d.n1[i]);
            norm[cc] += part(p.q2[i], 0.5 * self.beta[i], d.n2[i]);
            if self.union_rows {
                norm[cc] += part(p.q3[i], 0.5 * self.beta[i], d.n3[i]);
            }
        }
        for (gi, rs) in self.backup.regions.iter().enumerate() {
            if d.mu[gi].is_empty() {
                continue;
            }
            let c = comp.group[gi];
            for (idx, &r) in rs.iter().enumerate() {
                for s in 0..slots {
                    let (i, j) = (r as usize * slots + s, idx * slots + s);
                    norm[c] += part(p.mu[gi][j], 0.5 * self.beta[i], d.mu[gi][j]);
                }
            }
        }
        for (i, e) in d.mobile.iter().enumerate() {
            norm[comp.post[i / slots]] += part(p.rho[i], rho_scale, -e);
        }
        let t: Vec<f64> = (0..comp.count)
            .map(|c| {
                if values[c].is_finite() && norm[c] > 0.0 {
                    (eta[c] / ETA_START) * (values[c] - target[c]).max(0.0) / norm[c]
                } else {
                    0.0
                }
            })
            .collect();
        for i in 0..p.v.len() {
            let r = i / slots;
            let (tv, tc) = (t[comp.presence[r]], t[comp.cover[r]]);
            let sv = self.inst.weights()[i] * m1;
            p.v[i] = (p.v[i] - tv * sv * d.presence[i]).max(0.0);
            p.q1[i] = (p.q1[i] - tc * self.alpha[i] * d.n1[i]).max(0.0);
            p.q2[i] = (p.q2[i] - tc * 0.5 * self.beta[i] * d.n2[i]).max(0.0);
            if self.union_rows {
                p.q3[i] = (p.q3[i] - tc * 0.5 * self.beta[i] * d.n3[i]).max(0.0);
            }
        }
        // Backup rows: only once their component's step has been halved twice (their
        // direction is empty before, see `ROWS_FROM_ETA`).
        for (gi, rs) in self.backup.regions.iter().enumerate() {
            if d.mu[gi].is_empty() {
                continue;
            }
            let tg = t[comp.group[gi]];
            for (idx, &r) in rs.iter().enumerate() {
                for s in 0..slots {
                    let (i, j) = (r as usize * slots + s, idx * slots + s);
                    let step = tg * 0.5 * self.beta[i] * d.mu[gi][j];
                    p.mu[gi][j] = (p.mu[gi][j] - step).max(0.0);
                }
            }
        }
        for (i, (r, e)) in p.rho.iter_mut().zip(&d.mobile).enumerate() {
            let tp = t[comp.post[i / slots]];
            *r = (*r + tp * rho_scale * e).max(0.0);
        }
    }

    /// Copies the prices of the marked components from `src` into `dst`.
    pub(super) fn copy_prices(&self, dst: &mut Prices, src: &Prices, mark: &[bool]) {
        let (slots, comp) = (self.slots, self.comps);
        for r in 0..self.inst.regions().len() {
            let row = r * slots..(r + 1) * slots;
            if mark[comp.presence[r]] {
                dst.v[row.clone()].copy_from_slice(&src.v[row.clone()]);
            }
            if mark[comp.cover[r]] {
                dst.q1[row.clone()].copy_from_slice(&src.q1[row.clone()]);
                dst.q2[row.clone()].copy_from_slice(&src.q2[row.clone()]);
                dst.q3[row.clone()].copy_from_slice(&src.q3[row]);
            }
        }
        for p in 0..self.inst.posts().len() {
            if mark[comp.post[p]] {
                let row = p * slots..(p + 1) * slots;
                dst.rho[row.clone()].copy_from_slice(&src.rho[row]);
            }
        }
        for (g, &c) in comp.group.iter().enumerate() {
            if mark[c] {
                dst.lambda[g] = src.lambda[g];
                dst.mu[g].copy_from_slice(&src.mu[g]);
            }
        }
    }
}
