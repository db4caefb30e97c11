//! The Lagrangian bound of one component, with each team's exact move machine
//! ([`TeamModel`]: shift length, rest, availability, work limit and hop kept exactly).
//!
//! Dualised, with multipliers `>= 0` (each term `mult * slack` is `>= 0` at a feasible
//! plan, so for ANY multipliers the maximum below is an upper bound):
//! - presence `sum_j z[r,s,j] <= P[r,s]` (`v`), `min_patrol` `count >= teams` (`mu`);
//! - response `c1 <= N1` (`q1`); backup `2 c2 <= N2` (`q2`) and, per mobile team `k`,
//!   `c2 <= N2 - B_k` (`pi_k`, `B_k` = 1 when `k` is within the backup standard): with
//!   binary `c2` and integer counts "at least two teams" means "at least one team
//!   besides `k`" for every `k`, which removes the half backup value that `2 c2 <= N2`
//!   alone pays for a single team in range;
//! - `c1 + c2 <= N_u` (`sigma`), `N_u` the mobile teams within response or backup of
//!   the cell: valid because `c2 = 1` needs two teams and `c1 = 1` one. Without it the
//!   relaxation pays response and backup at once for two teams that each work half of
//!   the time (response wants them apart in time, backup together);
//! - post capacity (`rho`).
//!
//! - with `volunteer_escort`, `z[r,s,1] <= N_pro[r,s]` (`zeta`), the professionals in the
//!   cell: the first unit of presence needs a professional, since a volunteer is never
//!   alone. Without it a professional half-present (in the relaxation) lets a volunteer
//!   fill the first unit's value.
//!
//! `volunteer_escort` itself is dualised with `eta` (see `Prices::eta`); what (dropping a constraint of a maximisation keeps an upper
//! bound). What remains splits into per-cell maxima over `z, c1, c2` and per-team
//! maxima over rule-keeping plans, solved exactly by a backward dynamic programme whose
//! table `F[s][x]` (the best value from slot `s` on in state `x`) the branch and bound
//! reuses as its bound on the future.

// Several parallel arrays share one index here; index loops read clearer than zips.
#![allow(clippy::needless_range_loop)]

use crate::model::{Instance, TeamKind};
use crate::schedule::Schedule;

use super::model::{Component, Side};

const NONE: u32 = u32::MAX;

/// The static data of a component in local indices: cell `c = ri * slots + s` for the
/// `ri`-th region of the component, post-slot `pi * slots + s`.
pub struct Local<'a> {
    /// The instance.
    pub inst: &'a Instance,
    /// The component.
    pub comp: &'a Component,
    /// Slots.
    pub slots: usize,
    /// Presence weight per cell.
    pub w: Vec<f64>,
    /// Response value per cell (`response_weight * risk`).
    pub alpha: Vec<f64>,
    /// Backup value per cell.
    pub beta: Vec<f64>,
    /// Largest presence the component's teams can put in the cell.
    pub pcap: Vec<f64>,
    /// 1 when some team can be within response of the cell, else 0.
    pub c1cap: Vec<f64>,
    /// 1 when two teams can be within backup of the cell, else 0.
    pub c2cap: Vec<f64>,
    /// `min_patrol` teams required per cell (0: none).
    pub req: Vec<u32>,
    /// Post capacity per local post.
    pub cap: Vec<u32>,
    /// Per team and location index: local region (patrol) or local post (mobile).
    pub loc_local: Vec<Vec<u32>>,
    /// Per mobile team and location index: local regions within response.
    pub resp: Vec<Vec<Vec<u32>>>,
    /// Per mobile team and location index: local regions within backup.
    pub back: Vec<Vec<Vec<u32>>>,
    /// Per mobile team and location index: local regions within response or backup.
    pub uni: Vec<Vec<Vec<u32>>>,
    /// Per team: its index among the component's volunteers (escort multipliers).
    pub vol_index: Vec<Option<usize>>,
    /// Volunteers in the component whose escort rule applies.
    pub volunteers: usize,
    /// The row `z[r,s,1] <= N_pro` is dualised (`volunteers > 0`).
    pub zeta_on: bool,
}

impl<'a> Local<'a> {
    /// Builds the local data of `comp`.
    pub fn new(inst: &'a Instance, comp: &'a Component) -> Local<'a> {
        let slots = inst.slots();
        let nc = comp.regions.len() * slots;
        let mut rpos = vec![NONE; inst.regions().len()];
        for (i, &r) in comp.regions.iter().enumerate() {
            rpos[r] = i as u32;
        }
        let mut ppos = vec![NONE; inst.posts().len()];
        for (i, &p) in comp.posts.iter().enumerate() {
            ppos[p] = i as u32;
        }
        let obj = &inst.objective();
        let mut l = Local {
            inst,
            comp,
            slots,
            w: vec![0.0; nc],
            alpha: vec![0.0; nc],
            beta: vec![0.0; nc],
            pcap: vec![0.0; nc],
            c1cap: vec![0.0; nc],
            c2cap: vec![0.0; nc],
            req: vec![0; nc],
            cap: comp
                .posts
                .iter()
                .map(|&p| inst.posts()[p].capacity)
                .collect(),
            loc_local: Vec::new(),
            resp: Vec::new(),
            back: Vec::new(),
            uni: Vec::new(),
            vol_index: Vec::new(),
            volunteers: 0,
            zeta_on: false,
        };
        for t in &comp.teams {
            if t.volunteer && obj.volunteers_need_professional {
                l.vol_index.push(Some(l.volunteers));
                l.volunteers += 1;
            } else {
                l.vol_index.push(None);
            }
        }
        l.zeta_on = comp.side == Side::Patrol && l.volunteers > 0;
        for (ri, &r) in comp.regions.iter().enumerate() {
            for s in 0..slots {
                let c = ri * slots + s;
                l.w[c] = inst.weight(r, s);
                l.alpha[c] = obj.response_weight * inst.regions()[r].risk[s];
                l.beta[c] = obj.backup_weight * inst.regions()[r].risk[s];
                if comp.side == Side::Patrol {
                    for q in &inst.regions()[r].min_patrol {
                        if q.from <= s && s < q.to {
                            l.req[c] = l.req[c].max(q.teams);
                        }
                    }
                }
            }
        }
        let mut n1 = vec![0u32; nc];
        let mut n2 = vec![0u32; nc];
        for t in &comp.teams {
            let k = t.team;
            match t.kind {
                TeamKind::Patrol => {
                    l.loc_local
                        .push(t.locs.iter().map(|&r| rpos[r as usize]).collect());
                    l.resp.push(Vec::new());
                    l.back.push(Vec::new());
                    l.uni.push(Vec::new());
                    for &r in &t.locs {
                        let ri = rpos[r as usize] as usize;
                        for s in 0..slots {
                            if t.avail[s] {
                                l.pcap[ri * slots + s] += t.eff;
                            }
                        }
                    }
                }
                TeamKind::Mobile => {
                    l.loc_local
                        .push(t.locs.iter().map(|&p| ppos[p as usize]).collect());
                    let map = |v: &[u32]| v.iter().map(|&r| rpos[r as usize]).collect::<Vec<_>>();
                    let resp: Vec<Vec<u32>> = t
                        .locs
                        .iter()
                        .map(|&p| map(inst.reach().response_regions(k, p as usize)))
                        .collect();
                    let back: Vec<Vec<u32>> = t
                        .locs
                        .iter()
                        .map(|&p| map(inst.reach().backup_regions(k, p as usize)))
                        .collect();
                    let union = |lists: &[Vec<u32>]| {
                        let mut u: Vec<u32> = lists.iter().flatten().copied().collect();
                        u.sort_unstable();
                        u.dedup();
                        u
                    };
                    for (counts, u) in [(&mut n1, union(&resp)), (&mut n2, union(&back))] {
                        for ri in u {
                            for s in 0..slots {
                                if t.avail[s] {
                                    counts[ri as usize * slots + s] += 1;
                                }
                            }
                        }
                    }
                    l.uni.push(
                        resp.iter()
                            .zip(&back)
                            .map(|(a, b)| {
                                let mut u: Vec<u32> = a.iter().chain(b).copied().collect();
                                u.sort_unstable();
                                u.dedup();
                                u
                            })
                            .collect(),
                    );
                    l.resp.push(resp);
                    l.back.push(back);
                }
            }
        }
        for c in 0..nc {
            l.c1cap[c] = f64::from(u8::from(n1[c] >= 1));
            l.c2cap[c] = f64::from(u8::from(n2[c] >= 2));
        }
        l
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.w.len()
    }

    /// Number of mobile teams (the `pi` stride).
    pub fn mobile(&self) -> usize {
        match self.comp.side {
            Side::Mobile => self.comp.teams.len(),
            Side::Patrol => 0,
        }
    }
}

/// Multipliers of a component (all `>= 0`).
#[derive(Debug, Clone)]
pub struct Prices {
    /// Presence, per cell.
    pub v: Vec<f64>,
    /// `min_patrol`, per cell.
    pub mu: Vec<f64>,
    /// Response, per cell.
    pub q1: Vec<f64>,
    /// Backup `2 c2 <= N2`, per cell.
    pub q2: Vec<f64>,
    /// Backup `c2 <= N2 - B_k`, per cell and mobile team (`c * mobile + k`).
    pub pi: Vec<f64>,
    /// `sum_k pi` per cell.
    pub pi_sum: Vec<f64>,
    /// `c1 + c2 <= N_u`, per cell.
    pub sigma: Vec<f64>,
    /// `z[r,s,1] <= N_pro`, per cell (only with `Local::zeta_on`).
    pub zeta: Vec<f64>,
    /// Escort `a_v <= sum_pros a`, per cell and volunteer (`c * volunteers + v`).
    pub eta: Vec<f64>,
    /// `sum_v eta` per cell (what a professional earns there).
    pub eta_sum: Vec<f64>,
    /// Post capacity, per local post-slot.
    pub rho: Vec<f64>,
}

/// `max_{e in [0, room]} w g(pa + e) - v e` for the concave piecewise-linear `g` with
/// these marginals (the maximum of a concave function lies at a breakpoint or an end).
pub fn presence_term(w: f64, marg: &[f64], pa: f64, room: f64, v: f64) -> f64 {
    let g = |p: f64| -> f64 {
        marg.iter()
            .enumerate()
            .map(|(j, m)| m * (p - j as f64).clamp(0.0, 1.0))
            .sum()
    };
    let base = w * g(pa);
    let mut best = base;
    let room = room.max(0.0);
    let mut consider = |e: f64| {
        let val = w * g(pa + e) - v * e;
        if val > best {
            best = val;
        }
    };
    consider(room);
    for j in 1..=marg.len() {
        let e = j as f64 - pa;
        if e > 0.0 && e < room {
            consider(e);
        }
    }
    best
}

/// `max` over segment fills `z_j in [0, 1]` with `sum_j z_j <= room` of
/// `sum_j (w m_j - v) z_j - zeta z_1` (no presence placed yet): with `zeta = 0` this is
/// [`presence_term`] at `pa = 0`. Returns the value, `sum_j z_j` and `z_1`.
pub fn presence_cell(w: f64, marg: &[f64], room: f64, v: f64, zeta: f64) -> (f64, f64, f64) {
    // Segment 1 reduced by zeta may fall behind later segments: fill by reduced value
    // (the marginals are non-increasing, so only segment 1 can move).
    let first = w * marg.first().copied().unwrap_or(0.0) - v - zeta;
    let mut left = room.max(0.0);
    let (mut val, mut e, mut z1) = (0.0, 0.0, 0.0);
    let mut first_done = false;
    for m in marg.iter().skip(1) {
        let r = w * m - v;
        if !first_done && first >= r {
            first_done = true;
            if first > 0.0 && left > 0.0 {
                let x = left.min(1.0);
                val += first * x;
                e += x;
                z1 = x;
                left -= x;
            }
        }
        if r > 0.0 && left > 0.0 {
            let x = left.min(1.0);
            val += r * x;
            e += x;
            left -= x;
        }
    }
    if !first_done && first > 0.0 && left > 0.0 {
        let x = left.min(1.0);
        val += first * x;
        e += x;
        z1 = x;
    }
    (val, e, z1)
}

impl Local<'_> {
    /// Zero multipliers, or multipliers read off `hint` (complementary slackness).
    pub fn initial_prices(&self, hint: Option<&Schedule>) -> Prices {
        let nc = self.cells();
        let m = self.mobile();
        let mut p = Prices {
            v: vec![0.0; nc],
            mu: vec![0.0; nc],
            q1: vec![0.0; nc],
            q2: vec![0.0; nc],
            pi: vec![0.0; nc * m],
            pi_sum: vec![0.0; nc],
            sigma: vec![0.0; nc],
            zeta: vec![0.0; nc],
            eta: vec![0.0; nc * self.volunteers],
            eta_sum: vec![0.0; nc],
            rho: vec![0.0; self.comp.posts.len() * self.slots],
        };
        let marg = &self.inst.objective().presence_marginals;
        let Some(h) = hint else {
            for c in 0..nc {
                p.v[c] = 0.5 * self.w[c] * marg.first().copied().unwrap_or(0.0);
                p.q1[c] = 0.5 * self.alpha[c] * self.c1cap[c];
            }
            return p;
        };
        self.prices_of_plan(&self.plan_of(h))
    }

    /// Multipliers read off a plan of the component (complementary slackness: the
    /// prices its presence and cover would have at an optimum).
    pub fn prices_of_plan(&self, plan: &[Vec<Option<u16>>]) -> Prices {
        let mut p = self.initial_prices(None);
        let marg = &self.inst.objective().presence_marginals;
        let nc = self.cells();
        let (pres, _, n1, n2, _) = self.counts(plan);
        for c in 0..nc {
            p.v[c] = crate::bound::hint::presence_price(self.w[c], marg, pres[c], 0.5);
            p.q1[c] = crate::bound::hint::cover_price(self.alpha[c], n1[c], 1.0) * self.c1cap[c];
            p.q2[c] = crate::bound::hint::cover_price(self.beta[c], n2[c], 2.0) * self.c2cap[c];
        }
        p
    }

    /// A schedule as per team (component order) and slot a location index or `None`.
    /// Locations out of reach are dropped.
    pub fn plan_of(&self, h: &Schedule) -> Vec<Vec<Option<u16>>> {
        self.comp
            .teams
            .iter()
            .map(|t| {
                (0..self.slots)
                    .map(|s| {
                        h.shifts
                            .get(t.team)
                            .and_then(|_| h.location(t.team, s))
                            .and_then(|l| t.locs.binary_search(&l).ok())
                            .map(|i| i as u16)
                    })
                    .collect()
            })
            .collect()
    }

    /// Per cell: presence, teams (patrol) or mobile teams within response or backup
    /// (`N_u`), N1, N2; per post-slot: mobile teams.
    #[allow(clippy::type_complexity)]
    fn counts(
        &self,
        plan: &[Vec<Option<u16>>],
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let (nc, slots) = (self.cells(), self.slots);
        let mut pres = vec![0.0; nc];
        let mut cnt = vec![0.0; nc];
        let mut n1 = vec![0.0; nc];
        let mut n2 = vec![0.0; nc];
        let mut posts = vec![0.0; self.comp.posts.len() * slots];
        for (ti, t) in self.comp.teams.iter().enumerate() {
            for s in 0..slots {
                let Some(li) = plan[ti][s] else { continue };
                let li = li as usize;
                let loc = self.loc_local[ti][li] as usize;
                match t.kind {
                    TeamKind::Patrol => {
                        pres[loc * slots + s] += t.eff;
                        cnt[loc * slots + s] += 1.0;
                    }
                    TeamKind::Mobile => {
                        posts[loc * slots + s] += 1.0;
                        for &r in &self.resp[ti][li] {
                            n1[r as usize * slots + s] += 1.0;
                        }
                        for &r in &self.back[ti][li] {
                            n2[r as usize * slots + s] += 1.0;
                        }
                        for &r in &self.uni[ti][li] {
                            cnt[r as usize * slots + s] += 1.0;
                        }
                    }
                }
            }
        }
        (pres, cnt, n1, n2, posts)
    }

    /// Per team, per slot and location index, what working there earns at `p`.
    pub fn gains(&self, p: &Prices) -> Vec<Vec<f64>> {
        let slots = self.slots;
        let m = self.mobile();
        self.comp
            .teams
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                let nl = t.locs.len();
                let mut g = vec![0.0; slots * nl];
                for li in 0..nl {
                    let loc = self.loc_local[ti][li] as usize;
                    for s in 0..slots {
                        g[s * nl + li] = match t.kind {
                            TeamKind::Patrol => {
                                let c = loc * slots + s;
                                let escort = match self.vol_index[ti] {
                                    Some(vi) => -p.eta[c * self.volunteers + vi],
                                    None if t.volunteer => 0.0,
                                    None => p.eta_sum[c] + p.zeta[c],
                                };
                                t.eff * p.v[c] + p.mu[c] + escort
                            }
                            TeamKind::Mobile => {
                                let mut x = -p.rho[loc * slots + s];
                                for &r in &self.resp[ti][li] {
                                    x += p.q1[r as usize * slots + s];
                                }
                                for &r in &self.back[ti][li] {
                                    let c = r as usize * slots + s;
                                    x += p.q2[c] + p.pi_sum[c] - p.pi[c * m + ti];
                                }
                                for &r in &self.uni[ti][li] {
                                    x += p.sigma[r as usize * slots + s];
                                }
                                x
                            }
                        };
                    }
                }
                g
            })
            .collect()
    }

    /// Per team the backward table `F[s * states + x]`, `s` in `0..=slots`: the best
    /// value of the slots from `s` on, entering slot `s` in state `x`. The same
    /// recurrence as [`TeamModel::moves`], written out per state class so that a
    /// location whose hop list is complete costs one maximum, not one per successor.
    pub fn tables(&self, gains: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let slots = self.slots;
        self.comp
            .teams
            .iter()
            .zip(gains)
            .map(|(t, g)| {
                let n = t.states();
                let nl = t.locs.len();
                let (rest, max, ns) = (t.rest, t.max, t.ns);
                let complete: Vec<bool> = t.hop.iter().map(|h| h.len() == nl).collect();
                let mut f = vec![f64::NEG_INFINITY; (slots + 1) * n];
                for x in 0..n {
                    if t.may_end(x as u32) {
                        f[slots * n + x] = 0.0;
                    }
                }
                let mut gv = vec![f64::NEG_INFINITY; nl];
                for s in (0..slots).rev() {
                    let (head, tail) = f.split_at_mut((s + 1) * n);
                    let next = &tail[..n];
                    let row = &mut head[s * n..];
                    let gs = &g[s * nl..(s + 1) * nl];
                    for w in 0..t.levels {
                        let base = w * ns;
                        let nb = if t.levels > 1 { base + ns } else { 0 };
                        let can_work = t.avail[s] && (t.levels == 1 || w < t.wmax);
                        let after_shift = next[base + 1];
                        for tt in 1..=max {
                            let work = can_work && tt < max;
                            let mut best_g = f64::NEG_INFINITY;
                            if work {
                                for lj in 0..nl {
                                    gv[lj] = gs[lj] + next[nb + rest + 1 + lj * max + tt];
                                    best_g = best_g.max(gv[lj]);
                                }
                            }
                            let idle = if tt >= t.min {
                                after_shift
                            } else {
                                f64::NEG_INFINITY
                            };
                            for li in 0..nl {
                                let mut v = idle;
                                if work {
                                    let wv = if complete[li] {
                                        best_g
                                    } else {
                                        t.hop[li]
                                            .iter()
                                            .map(|&lj| gv[lj as usize])
                                            .fold(f64::NEG_INFINITY, f64::max)
                                    };
                                    v = v.max(wv);
                                }
                                row[base + rest + 1 + li * max + tt - 1] = v;
                            }
                        }
                        let mut start = f64::NEG_INFINITY;
                        if can_work {
                            for lj in 0..nl {
                                start = start.max(gs[lj] + next[nb + rest + 1 + lj * max]);
                            }
                        }
                        for m in 0..=rest {
                            let idle = next[base + (m + 1).min(rest)];
                            row[base + m] = if m == rest { idle.max(start) } else { idle };
                        }
                    }
                }
                f
            })
            .collect()
    }

    /// The same tables by the generic move enumeration (a reference for tests).
    pub fn tables_by_moves(&self, gains: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let slots = self.slots;
        self.comp
            .teams
            .iter()
            .zip(gains)
            .map(|(t, g)| {
                let n = t.states();
                let nl = t.locs.len();
                let mut f = vec![f64::NEG_INFINITY; (slots + 1) * n];
                for x in 0..n {
                    if t.may_end(x as u32) {
                        f[slots * n + x] = 0.0;
                    }
                }
                for s in (0..slots).rev() {
                    let (head, tail) = f.split_at_mut((s + 1) * n);
                    let next = &tail[..n];
                    let row = &mut head[s * n..];
                    for x in 0..n {
                        let mut best = f64::NEG_INFINITY;
                        t.moves(s, x as u32, |li, y| {
                            let v = next[y as usize] + li.map_or(0.0, |li| g[s * nl + li as usize]);
                            if v > best {
                                best = v;
                            }
                        });
                        row[x] = best;
                    }
                }
                f
            })
            .collect()
    }

    /// The per-slot constant of the Lagrangian (cells and posts at their maxima).
    pub fn slot_constants(&self, p: &Prices) -> Vec<f64> {
        let slots = self.slots;
        let marg = &self.inst.objective().presence_marginals;
        let mut out = vec![0.0; slots];
        for c in 0..self.cells() {
            let s = c % slots;
            out[s] += match self.comp.side {
                Side::Patrol => {
                    presence_cell(self.w[c], marg, self.pcap[c], p.v[c], p.zeta[c]).0
                        - p.mu[c] * f64::from(self.req[c])
                }
                Side::Mobile => {
                    self.c1cap[c] * (self.alpha[c] - p.q1[c] - p.sigma[c]).max(0.0)
                        + self.c2cap[c]
                            * (self.beta[c] - 2.0 * p.q2[c] - p.pi_sum[c] - p.sigma[c]).max(0.0)
                }
            };
        }
        for (pi, &cap) in self.cap.iter().enumerate() {
            for s in 0..slots {
                out[s] += p.rho[pi * slots + s] * f64::from(cap);
            }
        }
        out
    }

    /// The plan each team follows from its initial state in a table (first best move).
    pub fn argmax_plan(&self, gains: &[Vec<f64>], tables: &[Vec<f64>]) -> Vec<Vec<Option<u16>>> {
        let slots = self.slots;
        self.comp
            .teams
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                let n = t.states();
                let nl = t.locs.len();
                let (g, f) = (&gains[ti], &tables[ti]);
                let mut x = t.initial();
                let mut out = Vec::with_capacity(slots);
                for s in 0..slots {
                    let mut best = (f64::NEG_INFINITY, None, x);
                    t.moves(s, x, |li, y| {
                        let v = f[(s + 1) * n + y as usize]
                            + li.map_or(0.0, |li| g[s * nl + li as usize]);
                        if v > best.0 {
                            best = (v, li, y);
                        }
                    });
                    out.push(best.1);
                    x = best.2;
                }
                out
            })
            .collect()
    }
}

/// Non-improving evaluations before the Polyak step factor is halved.
const PATIENCE: usize = 20;

/// The multiplier search ends when the step factor falls below this.
const THETA_MIN: f64 = 1e-6;

/// Result of the multiplier search.
pub struct DualOutcome {
    /// Best multipliers found.
    pub prices: Prices,
    /// Their Lagrangian value (an upper bound on the component's optimum).
    pub bound: f64,
    /// Evaluations run.
    pub iterations: usize,
}

/// Lagrangian value at `p` (with a relative margin of 1e-9 for rounding).
pub fn value(local: &Local, p: &Prices) -> (f64, Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let gains = local.gains(p);
    let tables = local.tables(&gains);
    let consts: f64 = local.slot_constants(p).iter().sum();
    let mut total = consts;
    for (t, f) in local.comp.teams.iter().zip(&tables) {
        total += f[t.initial() as usize];
    }
    (total + 1e-9 * total.abs(), gains, tables)
}

/// Projected subgradient search (Polyak steps towards `target`, the best known
/// value) until `deadline`, `max_iterations`, `stop()`, or the bound meets `target`.
pub fn search(
    local: &Local,
    start: Prices,
    target: Option<f64>,
    deadline: std::time::Instant,
    max_iterations: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> DualOutcome {
    let slots = local.slots;
    let m = local.mobile();
    let marg = &local.inst.objective().presence_marginals;
    let mut p = start;
    let mut best: Option<(f64, Prices)> = None;
    let mut theta = 1.0;
    let mut stall = 0;
    let mut iterations = 0;
    while iterations < max_iterations
        && (iterations == 0 || (std::time::Instant::now() < deadline && !stop()))
    {
        iterations += 1;
        let (val, gains, tables) = value(local, &p);
        if best.as_ref().is_none_or(|b| val < b.0) {
            best = Some((val, p.clone()));
            stall = 0;
        } else {
            stall += 1;
            if stall >= PATIENCE {
                theta /= 2.0;
                stall = 0;
            }
        }
        let bound = best.as_ref().expect("set").0;
        if theta < THETA_MIN || target.is_some_and(|t| bound <= t + 1e-9 * t.abs().max(1.0)) {
            break;
        }
        let plan = local.argmax_plan(&gains, &tables);
        let (pres, cnt, n1, n2, posts) = local.counts(&plan);
        // Professionals per cell and each volunteer's presence, for the escort rows.
        let nv = local.volunteers;
        let mut pros = vec![0.0; local.cells()];
        let mut vols = vec![0.0; local.cells() * nv];
        for (ti, t) in local.comp.teams.iter().enumerate() {
            if t.kind != TeamKind::Patrol {
                continue;
            }
            for s in 0..slots {
                if let Some(li) = plan[ti][s] {
                    let c = local.loc_local[ti][li as usize] as usize * slots + s;
                    match local.vol_index[ti] {
                        Some(vi) => vols[c * nv + vi] = 1.0,
                        None if !t.volunteer => pros[c] += 1.0,
                        None => {}
                    }
                }
            }
        }
        // B_k per cell for the pi subgradient.
        let mut bk = vec![0.0; local.cells() * m];
        for (ti, t) in local.comp.teams.iter().enumerate() {
            if t.kind != TeamKind::Mobile {
                continue;
            }
            for s in 0..slots {
                if let Some(li) = plan[ti][s] {
                    for &r in &local.back[ti][li as usize] {
                        bk[(r as usize * slots + s) * m + ti] = 1.0;
                    }
                }
            }
        }
        let mut g = Prices {
            v: vec![0.0; p.v.len()],
            mu: vec![0.0; p.mu.len()],
            q1: vec![0.0; p.q1.len()],
            q2: vec![0.0; p.q2.len()],
            pi: vec![0.0; p.pi.len()],
            pi_sum: Vec::new(),
            sigma: vec![0.0; p.sigma.len()],
            zeta: vec![0.0; p.zeta.len()],
            eta: vec![0.0; p.eta.len()],
            eta_sum: Vec::new(),
            rho: vec![0.0; p.rho.len()],
        };
        let mut norm = 0.0;
        let mut put = |gi: &mut f64, price: f64, x: f64| {
            // A price at 0 that the step would push below 0 stays: no direction.
            if price <= 0.0 && x > 0.0 {
                *gi = 0.0;
            } else {
                *gi = x;
                norm += x * x;
            }
        };
        for c in 0..local.cells() {
            match local.comp.side {
                Side::Patrol => {
                    let (_, e, z1) =
                        presence_cell(local.w[c], marg, local.pcap[c], p.v[c], p.zeta[c]);
                    put(&mut g.v[c], p.v[c], pres[c] - e);
                    if local.zeta_on {
                        put(&mut g.zeta[c], p.zeta[c], pros[c] - z1);
                    }
                    if local.req[c] > 0 {
                        put(&mut g.mu[c], p.mu[c], cnt[c] - f64::from(local.req[c]));
                    }
                    let nv = local.volunteers;
                    for vi in 0..nv {
                        put(
                            &mut g.eta[c * nv + vi],
                            p.eta[c * nv + vi],
                            pros[c] - vols[c * nv + vi],
                        );
                    }
                }
                Side::Mobile => {
                    let c1 =
                        local.c1cap[c] * f64::from(u8::from(local.alpha[c] > p.q1[c] + p.sigma[c]));
                    let red = local.beta[c] - 2.0 * p.q2[c] - p.pi_sum[c] - p.sigma[c];
                    let c2 = local.c2cap[c] * f64::from(u8::from(red > 0.0));
                    if local.c1cap[c] > 0.0 {
                        put(&mut g.q1[c], p.q1[c], n1[c] - c1);
                    }
                    if local.c2cap[c] > 0.0 {
                        put(&mut g.q2[c], p.q2[c], n2[c] - 2.0 * c2);
                        for k in 0..m {
                            put(
                                &mut g.pi[c * m + k],
                                p.pi[c * m + k],
                                n2[c] - bk[c * m + k] - c2,
                            );
                        }
                    }
                    if local.c1cap[c] > 0.0 || local.c2cap[c] > 0.0 {
                        put(&mut g.sigma[c], p.sigma[c], cnt[c] - c1 - c2);
                    }
                }
            }
        }
        for (i, &cap) in local
            .cap
            .iter()
            .flat_map(|c| std::iter::repeat_n(c, slots))
            .enumerate()
        {
            put(&mut g.rho[i], p.rho[i], f64::from(cap) - posts[i]);
        }
        if norm <= 0.0 {
            break; // a zero subgradient: these multipliers are optimal
        }
        let aim = target.unwrap_or(bound - 0.01 * bound.abs()).min(bound);
        let step = theta * (val - aim).max(1e-9 * val.abs().max(1.0)) / norm;
        let upd = |x: &mut [f64], d: &[f64]| {
            for (x, d) in x.iter_mut().zip(d) {
                *x = (*x - step * d).max(0.0);
            }
        };
        upd(&mut p.v, &g.v);
        upd(&mut p.mu, &g.mu);
        upd(&mut p.q1, &g.q1);
        upd(&mut p.q2, &g.q2);
        upd(&mut p.pi, &g.pi);
        upd(&mut p.sigma, &g.sigma);
        upd(&mut p.zeta, &g.zeta);
        upd(&mut p.rho, &g.rho);
        upd(&mut p.eta, &g.eta);
        let nv = local.volunteers;
        for c in 0..local.cells() {
            p.eta_sum[c] = p.eta[c * nv..(c + 1) * nv].iter().sum();
        }
        for c in 0..local.cells() {
            p.pi_sum[c] = p.pi[c * m..(c + 1) * m].iter().sum();
        }
    }
    let (bound, prices) = best.expect("at least one evaluation");
    DualOutcome {
        prices,
        bound,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bound::exact::model::components;

    /// The specialised recurrence equals the generic move enumeration.
    #[test]
    fn tables_match_the_move_enumeration() {
        let inst = Instance::from_json(include_str!("../../../tests/data/hand.json")).unwrap();
        for comp in components(&inst) {
            let local = Local::new(&inst, &comp);
            let mut p = local.initial_prices(None);
            for (i, v) in p.v.iter_mut().enumerate() {
                *v = (i % 7) as f64 * 0.3;
            }
            for (i, v) in p.q1.iter_mut().enumerate() {
                *v = (i % 5) as f64 * 0.2;
            }
            let gains = local.gains(&p);
            let a = local.tables(&gains);
            let b = local.tables_by_moves(&gains);
            for (x, y) in a.iter().zip(&b) {
                for (u, w) in x.iter().zip(y) {
                    assert!(u == w || (u - w).abs() < 1e-12, "{u} vs {w}");
                }
            }
        }
    }
}
