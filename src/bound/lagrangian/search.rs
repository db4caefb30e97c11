//! The multiplier search of the Lagrangian bound: starting prices from a hint,
//! per-cell price steps, and the best prices kept per component (see
//! [`super::super::components`]).

#![allow(clippy::needless_range_loop)]

use super::{hint, Gradient, Prices, Problem};

/// Relative step of the price search at the start (a fraction of each cell's scale).
pub(super) const ETA_START: f64 = 0.1;
/// The search stops when the step falls below this.
pub(super) const ETA_MIN: f64 = 1e-5;
/// Non-improving evaluations before the step is halved.
pub(super) const PATIENCE: usize = 15;
/// The backup rows' prices move once a component's step is at most this.
pub(super) const ROWS_FROM_ETA: f64 = ETA_START / 4.0;
/// Weight of the previous direction in the deflected direction.
pub(super) const MOMENTUM: f64 = 0.5;

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
        }
    }

    /// Per component, whether its backup rows' prices move (see [`ROWS_FROM_ETA`]).
    pub(super) fn rows_active(&self) -> Vec<bool> {
        self.eta.iter().map(|&e| e <= ROWS_FROM_ETA).collect()
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

    /// Per-cell price adjustment (tatonnement): each price moves against its own
    /// excess supply, by at most its component's `eta` times the cell's value scale,
    /// then is projected on `>= 0`.
    pub(super) fn step(&self, p: &mut Prices, g: &Gradient, eta: &[f64]) {
        let (slots, comp) = (self.slots, self.comps);
        let m1 = self
            .inst
            .objective()
            .presence_marginals
            .first()
            .copied()
            .unwrap_or(0.0);
        let move_by = |x: f64| x / (x.abs() + 1.0);
        for i in 0..p.v.len() {
            let r = i / slots;
            let (ev, ec) = (eta[comp.presence[r]], eta[comp.cover[r]]);
            let sv = self.inst.weights()[i] * m1;
            p.v[i] = (p.v[i] - ev * sv * move_by(g.presence[i])).max(0.0);
            p.q1[i] = (p.q1[i] - ec * self.alpha[i] * move_by(g.n1[i])).max(0.0);
            p.q2[i] = (p.q2[i] - ec * 0.5 * self.beta[i] * move_by(g.n2[i])).max(0.0);
            if self.union_rows {
                p.q3[i] = (p.q3[i] - ec * 0.5 * self.beta[i] * move_by(g.n3[i])).max(0.0);
            }
        }
        // Backup rows: scaled like `q2` (half the backup value of the cell).
        // Backup rows move only once their component's step has been halved twice:
        // from a cold start they slow the other prices' progress (measured on nanjing:
        // 2136.8 instead of 2134.7 after 40 s with them from the start), while near
        // the old optimum they can only lower it.
        for (gi, rs) in self.backup.regions.iter().enumerate() {
            let e = eta[comp.group[gi]];
            if e > ROWS_FROM_ETA || g.mu[gi].is_empty() {
                continue;
            }
            for (idx, &r) in rs.iter().enumerate() {
                for s in 0..slots {
                    let (i, j) = (r as usize * slots + s, idx * slots + s);
                    let step = e * 0.5 * self.beta[i] * move_by(g.mu[gi][j]);
                    p.mu[gi][j] = (p.mu[gi][j] - step).max(0.0);
                }
            }
        }
        let rho_scale = self.alpha.iter().sum::<f64>() / self.alpha.len().max(1) as f64;
        for (i, (r, e)) in p.rho.iter_mut().zip(&g.mobile).enumerate() {
            let ep = eta[comp.post[i / slots]];
            *r = (*r + ep * rho_scale * move_by(*e)).max(0.0);
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
