//! Depth-first branch and bound over one component: slot by slot, team by team, each
//! team takes one of its moves ([`TeamModel::moves`]), so every leaf is a plan that
//! keeps every per-team rule; `post_capacity` is checked on each move, `min_patrol` and
//! `volunteer_escort` when a slot is complete.
//!
//! Bound at a node (slot `s`, the first `j` teams placed in `s`): the exact value of
//! slots `< s`, plus for slot `s` each cell's Lagrangian term with the placed teams'
//! contribution plugged in exactly, plus each team's table entry `F[s+1][state]`
//! (placed) or `F[s][state]` (not yet placed), plus the Lagrangian constants of the
//! slots after `s`. For the fixed multipliers this is the Lagrangian bound of the
//! problem with the node's decisions fixed, so it is `>=` every leaf below the node.
//!
//! Dominance: the future of a node depends only on the teams' states at a slot
//! boundary, so a state vector reached again with no more accrued value is cut
//! (identical teams' states are sorted first, so permutations are recognised).

#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;
use std::time::Instant;

use crate::model::TeamKind;

use super::dual::{presence_term, Local, Prices};
use super::model::Side;

/// A plan per team (component order) and slot: location index or idle.
pub type Plan = Vec<Vec<Option<u16>>>;

/// What the branch and bound found.
#[derive(Debug, Clone)]
pub struct BbOutcome {
    /// Value of the best plan (`NEG_INFINITY` if none was found).
    pub value: f64,
    /// The best plan.
    pub plan: Option<Plan>,
    /// Upper bound on the component's optimum.
    pub bound: f64,
    /// The search finished: `value` is the optimum (or no plan exists).
    pub proven: bool,
    /// Nodes visited.
    pub nodes: u64,
    /// Stopped by the forecast (it would not finish in time).
    pub forecast_stop: bool,
}

/// Nodes before the forecast ([`branch_and_bound`]'s `forecast`) may stop a search.
pub const FORECAST_MIN_NODES: u64 = 200_000;

/// Least share of its budget (nodes so far over nodes so far plus nodes left, to the
/// node limit or, at the rate so far, to the deadline) a search runs before its
/// forecast may stop it.
pub const FORECAST_MIN_SHARE: f64 = 0.2;

/// Most stored dominance entries (about 100 bytes each).
const MEMO_LIMIT: usize = 2_000_000;

/// Dominance entries above which the memo is freed on another thread: two million
/// small keys take 100-170 ms to free, which made `bound --time-limit 10` end past its
/// limit on the tiny preset.
const MEMO_FREE_ASIDE: usize = 100_000;

impl Drop for Bb<'_> {
    fn drop(&mut self) {
        if self.memo_len > MEMO_FREE_ASIDE {
            let memo = std::mem::take(&mut self.memo);
            // Freeing touches nothing else; if no thread can be made it is freed here.
            let aside = std::thread::Builder::new().spawn(move || drop(memo));
            drop(aside);
        }
    }
}

struct Bb<'a> {
    l: &'a Local<'a>,
    p: &'a Prices,
    tables: &'a [Vec<f64>],
    future: Vec<f64>,
    slots: usize,
    order: Vec<usize>,
    groups: Vec<Vec<usize>>,
    /// The team states and counters of the current slot, per local region / post.
    at: Counters,
    nxt: Vec<u32>,
    plan: Plan,
    incumbent: f64,
    best: Option<Plan>,
    tol: f64,
    memo: Vec<HashMap<Vec<u32>, f64>>,
    memo_len: usize,
    nodes: u64,
    node_limit: u64,
    deadline: Instant,
    stop: &'a (dyn Fn() -> bool + Sync),
    aborted: bool,
    open_max: f64,
    /// Share of the search tree finished so far: each node's share is split evenly
    /// among its children, and a node whose subtree is done (cut, dominated, a leaf,
    /// every child visited) adds its share. 1 when the search finishes.
    done: f64,
    started: Instant,
    forecast: Option<f64>,
    forecast_stopped: bool,
    /// The first forecast check: nodes and log of the share done.
    forecast_anchor: Option<(u64, f64)>,
    // Reused buffers (no allocation per node): the undo stack of `place`, the
    // children of each depth (`s * teams + j`), the counters saved per slot, the key.
    saved: Vec<f64>,
    child_bufs: Vec<Vec<Child>>,
    slot_saves: Vec<Counters>,
    key_buf: Vec<u32>,
    need: Option<Needs>,
}

/// Most table entries (slots x states, over the component's teams) for which the
/// `min_patrol` look-ahead ([`Needs`]) is built (8 bytes an entry).
const NEEDS_MAX_ENTRIES: usize = 4_000_000;

/// Look-ahead for `min_patrol` (the one coupling rule that can make a partial plan
/// impossible to complete): per team, slot `s` and state `x`, the bit set of the
/// required cells `(region, slot >= s)` the team can still stand in, entering `s` in
/// `x`, and then end its plan validly. At a slot boundary, for every later slot with
/// requirements, Hall's condition (every set of its required cells is reachable by at
/// least as many teams as it requires) is necessary for a completion, so a node that
/// breaks it has no feasible leaf and is cut. Only infeasible subtrees are cut.
struct Needs {
    /// Per team: bits over the required cells at `s * states + x`.
    can: Vec<Vec<u64>>,
    /// Per slot with required cells, ascending: the slot and the checks of Hall's
    /// condition (a set of its cells, the teams they require together).
    by_slot: Vec<(usize, Vec<(u64, u32)>)>,
}

impl Needs {
    fn new(l: &Local, tables: &[Vec<f64>]) -> Option<Needs> {
        if l.comp.side != Side::Patrol {
            return None;
        }
        let slots = l.slots;
        let teams = &l.comp.teams;
        let entries: usize = teams.iter().map(|t| (slots + 1) * t.states()).sum();
        if entries > NEEDS_MAX_ENTRIES {
            return None;
        }
        // Required cells by slot, then region (the first 64).
        let mut cells: Vec<(usize, usize, u32)> = Vec::new();
        for s in 0..slots {
            for ri in 0..l.comp.regions.len() {
                let q = l.req[ri * slots + s];
                if q > 0 && cells.len() < 64 {
                    cells.push((s, ri, q));
                }
            }
        }
        if cells.is_empty() {
            return None;
        }
        let mut by_slot: Vec<(usize, Vec<(u64, u32)>)> = Vec::new();
        let mut i = 0;
        while i < cells.len() {
            let s = cells[i].0;
            let idx: Vec<usize> = (i..cells.len()).take_while(|&j| cells[j].0 == s).collect();
            i += idx.len();
            let set = |members: &[usize]| {
                let mask = members.iter().fold(0u64, |m, &j| m | 1 << j);
                (mask, members.iter().map(|&j| cells[j].2).sum::<u32>())
            };
            let mut checks = Vec::new();
            if idx.len() <= 6 {
                for bits in 1u64..(1 << idx.len()) {
                    let members: Vec<usize> = idx
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| bits >> k & 1 == 1)
                        .map(|(_, &j)| j)
                        .collect();
                    checks.push(set(&members));
                }
            } else {
                checks.extend(idx.iter().map(|&j| set(&[j])));
                checks.push(set(&idx));
            }
            by_slot.push((s, checks));
        }
        let can = teams
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                let n = t.states();
                let f = &tables[ti];
                let mut can = vec![0u64; (slots + 1) * n];
                for s in (0..slots).rev() {
                    for x in 0..n {
                        if f[s * n + x] == f64::NEG_INFINITY {
                            continue;
                        }
                        let mut bits = 0u64;
                        t.moves(s, x as u32, |li, y| {
                            if f[(s + 1) * n + y as usize] == f64::NEG_INFINITY {
                                return;
                            }
                            bits |= can[(s + 1) * n + y as usize];
                            if let Some(li) = li {
                                let r = l.loc_local[ti][li as usize] as usize;
                                for (i, &(cs, cr, _)) in cells.iter().enumerate() {
                                    if cs == s && cr == r {
                                        bits |= 1 << i;
                                    }
                                }
                            }
                        });
                        can[s * n + x] = bits;
                    }
                }
                can
            })
            .collect();
        Some(Needs { can, by_slot })
    }

    /// Whether teams entering slot `s` in `states` can still meet every requirement
    /// of the slots from `s` on (Hall's condition per slot; every set of up to 6
    /// cells, else single cells and the whole slot).
    fn feasible(&self, s: usize, states: &[u32], teams: &[super::model::TeamModel]) -> bool {
        for (slot, checks) in &self.by_slot {
            if *slot < s {
                continue;
            }
            for &(sub, need) in checks {
                let mut have = 0u32;
                for (ti, (&x, t)) in states.iter().zip(teams).enumerate() {
                    if self.can[ti][s * t.states() + x as usize] & sub != 0 {
                        have += 1;
                        if have >= need {
                            break;
                        }
                    }
                }
                if have < need {
                    return false;
                }
            }
        }
        true
    }
}

/// A child of a node: its bound, the move (location index or idle), the team's next
/// state and the teams' table sum after the move.
type Child = (f64, Option<u16>, u32, f64);

/// The team states and per-slot counters: the search's current ones, and the copies
/// saved at each slot boundary (restored after the subtree).
#[derive(Default)]
struct Counters {
    cur: Vec<u32>,
    pa: Vec<f64>,
    cnt: Vec<u32>,
    pro: Vec<u32>,
    vol: Vec<u32>,
    n1: Vec<u32>,
    n2: Vec<u32>,
    nu: Vec<u32>,
    pis: Vec<f64>,
    etas: Vec<f64>,
    pcount: Vec<u32>,
    cell: Vec<f64>,
    cur_sum: f64,
}

impl Counters {
    /// Copies `other` into `self`, reusing `self`'s buffers (no allocation per node).
    fn copy_from(&mut self, other: &Counters) {
        self.cur.clone_from(&other.cur);
        self.pa.clone_from(&other.pa);
        self.cnt.clone_from(&other.cnt);
        self.pro.clone_from(&other.pro);
        self.vol.clone_from(&other.vol);
        self.n1.clone_from(&other.n1);
        self.n2.clone_from(&other.n2);
        self.nu.clone_from(&other.nu);
        self.pis.clone_from(&other.pis);
        self.etas.clone_from(&other.etas);
        self.pcount.clone_from(&other.pcount);
        self.cell.clone_from(&other.cell);
        self.cur_sum = other.cur_sum;
    }
}

/// Runs the branch and bound with these multipliers, starting from `incumbent` (a
/// feasible plan of the component and its value), until done, `node_limit` nodes or
/// `deadline`, or until `stop()` turns true (checked with the deadline, every 1,024
/// nodes). With `forecast = Some(f)` it also stops (`BbOutcome::forecast_stop`) when,
/// after [`FORECAST_MIN_NODES`] nodes, the share of the tree still open would take
/// more than `f` times the time left at the rate so far: it would not finish, and the
/// caller has a better use for the time.
pub fn branch_and_bound(
    l: &Local,
    p: &Prices,
    incumbent: Option<(f64, Plan)>,
    node_limit: u64,
    deadline: Instant,
    forecast: Option<f64>,
    stop: &(dyn Fn() -> bool + Sync),
) -> BbOutcome {
    let gains = l.gains(p);
    let tables = l.tables(&gains);
    let consts = l.slot_constants(p);
    let slots = l.slots;
    let mut future = vec![0.0; slots + 1];
    for s in (0..slots).rev() {
        future[s] = future[s + 1] + consts[s];
    }
    let teams = &l.comp.teams;
    let n = teams.len();
    // Professionals before volunteers; otherwise component order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| teams[i].volunteer);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for (i, t) in teams.iter().enumerate() {
        match seen.iter().find(|(g, _)| *g == t.group) {
            Some(&(_, gi)) => groups[gi].push(i),
            None => {
                seen.push((t.group, groups.len()));
                groups.push(vec![i]);
            }
        }
    }
    let root: f64 = future[0]
        + teams
            .iter()
            .zip(&tables)
            .map(|(t, f)| f[t.initial() as usize])
            .sum::<f64>();
    let nr = l.comp.regions.len();
    let (value, best) = match incumbent {
        Some((v, plan)) => (v, Some(plan)),
        None => (f64::NEG_INFINITY, None),
    };
    let mut bb = Bb {
        l,
        p,
        tables: &tables,
        future,
        slots,
        order,
        groups,
        at: Counters {
            cur: teams.iter().map(|t| t.initial()).collect(),
            pa: vec![0.0; nr],
            cnt: vec![0; nr],
            pro: vec![0; nr],
            vol: vec![0; nr],
            n1: vec![0; nr],
            n2: vec![0; nr],
            nu: vec![0; nr],
            pis: vec![0.0; nr],
            etas: vec![0.0; nr],
            pcount: vec![0; l.comp.posts.len()],
            cell: vec![0.0; nr],
            cur_sum: 0.0,
        },
        nxt: teams.iter().map(|t| t.initial()).collect(),
        plan: vec![vec![None; slots]; n],
        incumbent: value,
        best,
        tol: 1e-9 * root.abs().max(1.0),
        memo: (0..slots).map(|_| HashMap::new()).collect(),
        memo_len: 0,
        nodes: 0,
        node_limit,
        deadline,
        stop,
        aborted: false,
        open_max: f64::NEG_INFINITY,
        done: 0.0,
        started: Instant::now(),
        forecast,
        forecast_stopped: false,
        forecast_anchor: None,
        saved: Vec::new(),
        child_bufs: (0..slots * n).map(|_| Vec::new()).collect(),
        slot_saves: (0..slots).map(|_| Counters::default()).collect(),
        key_buf: Vec::with_capacity(n),
        need: Needs::new(l, &tables),
    };
    let possible = bb
        .need
        .as_ref()
        .is_none_or(|nd| nd.feasible(0, &bb.at.cur, teams));
    if slots > 0 && n > 0 && !possible {
        // No plan meets `min_patrol`: proven (there is no feasible plan beyond the
        // incumbent, if any).
    } else if slots > 0 && n > 0 {
        bb.start_slot(0);
        let fsum = bb.fsum_start(0);
        bb.visit(0, 0, 0.0, fsum, root, 1.0);
    } else {
        bb.incumbent = bb.incumbent.max(0.0);
        if bb.best.is_none() {
            bb.best = Some(vec![vec![None; slots]; n]);
        }
    }
    let proven = !bb.aborted;
    let bound = if proven {
        bb.incumbent.max(f64::NEG_INFINITY)
    } else {
        // Unexplored subtrees are bounded by their nodes' bounds; explored ones by the
        // incumbent. A relative margin of 1e-9 covers rounding.
        let b = bb.open_max.max(bb.incumbent).min(root);
        b + 1e-9 * b.abs()
    };
    BbOutcome {
        value: bb.incumbent,
        plan: bb.best.take(),
        bound,
        proven,
        nodes: bb.nodes,
        forecast_stop: bb.forecast_stopped,
    }
}

impl Bb<'_> {
    fn states(&self, ti: usize) -> usize {
        self.l.comp.teams[ti].states()
    }

    fn f(&self, ti: usize, s: usize, x: u32) -> f64 {
        self.tables[ti][s * self.states(ti) + x as usize]
    }

    /// Sum of the teams' table entries at the start of slot `s`.
    fn fsum_start(&self, s: usize) -> f64 {
        (0..self.at.cur.len())
            .map(|ti| self.f(ti, s, self.at.cur[ti]))
            .sum()
    }

    /// Resets the counters for slot `s` and the cells' terms.
    fn start_slot(&mut self, s: usize) {
        for v in [
            &mut self.at.cnt,
            &mut self.at.pro,
            &mut self.at.vol,
            &mut self.at.n1,
            &mut self.at.n2,
            &mut self.at.nu,
        ] {
            v.fill(0);
        }
        self.at.pa.fill(0.0);
        self.at.pis.fill(0.0);
        self.at.etas.fill(0.0);
        self.at.pcount.fill(0);
        self.at.cur_sum = 0.0;
        for ri in 0..self.at.cell.len() {
            self.at.cell[ri] = self.cell_term(ri, s);
            self.at.cur_sum += self.at.cell[ri];
        }
        for (pi, &cap) in self.l.cap.iter().enumerate() {
            self.at.cur_sum += self.p.rho[pi * self.slots + s] * f64::from(cap);
        }
    }

    /// The Lagrangian term of region `ri` in slot `s` with the placed teams plugged in.
    fn cell_term(&self, ri: usize, s: usize) -> f64 {
        let l = self.l;
        let c = ri * self.slots + s;
        let p = self.p;
        match l.comp.side {
            Side::Patrol => {
                let marg = &l.inst.objective().presence_marginals;
                let room = l.pcap[c] - self.at.pa[ri];
                // With a professional placed, z_1 <= N_pro holds whatever comes: the row
                // is not dualised here (the placed professionals' zeta is not counted).
                // Without one, no patrol team is placed in the cell yet (volunteers
                // come after the professionals and only where one stands).
                let presence = if l.zeta_on && self.at.pro[ri] == 0 {
                    super::dual::presence_cell(l.w[c], marg, room, p.v[c], p.zeta[c]).0
                } else {
                    presence_term(l.w[c], marg, self.at.pa[ri], room, p.v[c])
                };
                presence
                    + p.mu[c] * (f64::from(self.at.cnt[ri]) - f64::from(l.req[c]))
                    + p.eta_sum[c] * f64::from(self.at.pro[ri])
                    - self.at.etas[ri]
            }
            Side::Mobile => {
                // A cover already reached by the placed teams is worth its value; the
                // rest is the Lagrangian term with the placed teams' counts plugged in
                // (see `dual`: rows c1 <= N1, 2 c2 <= N2, c2 <= N2 - B_k, c1 + c2 <= N_u).
                let sigma = p.sigma[c];
                let d1 = self.at.n1[ri] >= 1;
                let d2 = self.at.n2[ri] >= 2;
                let c1 = if d1 {
                    l.alpha[c]
                } else {
                    l.c1cap[c] * (l.alpha[c] - p.q1[c] - sigma).max(0.0)
                        + p.q1[c] * f64::from(self.at.n1[ri])
                };
                let c2 = if d2 {
                    l.beta[c]
                } else {
                    l.c2cap[c] * (l.beta[c] - 2.0 * p.q2[c] - p.pi_sum[c] - sigma).max(0.0)
                        + (p.q2[c] + p.pi_sum[c]) * f64::from(self.at.n2[ri])
                        - self.at.pis[ri]
                };
                let fixed = f64::from(u8::from(d1)) + f64::from(u8::from(d2));
                c1 + c2 + sigma * (f64::from(self.at.nu[ri]) - fixed)
            }
        }
    }

    /// Places team `ti` at location index `li` in slot `s` (`sign` +1) or removes it
    /// (`-1`), keeping the cells' terms and `cur_sum` current. Removal restores the
    /// saved values exactly.
    fn place(&mut self, ti: usize, li: usize, s: usize, add: bool) {
        let l = self.l;
        let t = &l.comp.teams[ti];
        let loc = l.loc_local[ti][li] as usize;
        let m = l.mobile();
        let d: i32 = if add { 1 } else { -1 };
        let bump = |x: &mut u32| *x = (*x as i32 + d) as u32;
        match t.kind {
            TeamKind::Patrol => {
                if add {
                    self.saved.push(self.at.pa[loc]);
                    self.saved.push(self.at.etas[loc]);
                    self.at.pa[loc] += t.eff;
                    if let Some(vi) = l.vol_index[ti] {
                        self.at.etas[loc] += self.p.eta[(loc * self.slots + s) * l.volunteers + vi];
                    }
                } else {
                    self.at.etas[loc] = self.saved.pop().expect("saved");
                    self.at.pa[loc] = self.saved.pop().expect("saved");
                }
                bump(&mut self.at.cnt[loc]);
                if t.volunteer {
                    bump(&mut self.at.vol[loc]);
                } else {
                    bump(&mut self.at.pro[loc]);
                }
                self.refresh(loc, s);
            }
            TeamKind::Mobile => {
                let rho = self.p.rho[loc * self.slots + s];
                bump(&mut self.at.pcount[loc]);
                self.at.cur_sum -= f64::from(d) * rho;
                for &r in &l.resp[ti][li] {
                    bump(&mut self.at.n1[r as usize]);
                }
                let back = &l.back[ti][li];
                if add {
                    for &r in back {
                        let r = r as usize;
                        self.saved.push(self.at.pis[r]);
                        self.at.pis[r] += self.p.pi[(r * self.slots + s) * m + ti];
                        self.at.n2[r] += 1;
                    }
                } else {
                    for &r in back.iter().rev() {
                        let r = r as usize;
                        self.at.pis[r] = self.saved.pop().expect("saved");
                        self.at.n2[r] -= 1;
                    }
                }
                for &r in &l.uni[ti][li] {
                    bump(&mut self.at.nu[r as usize]);
                }
                // Refresh every region touched (response or backup), once each.
                for &r in &l.uni[ti][li] {
                    self.refresh(r as usize, s);
                }
            }
        }
    }

    fn refresh(&mut self, ri: usize, s: usize) {
        let new = self.cell_term(ri, s);
        self.at.cur_sum += new - self.at.cell[ri];
        self.at.cell[ri] = new;
    }

    fn out_of_budget(&mut self) -> bool {
        self.nodes += 1;
        if self.nodes >= self.node_limit {
            return true;
        }
        if self.nodes % 1024 != 0 {
            return false;
        }
        let now = Instant::now();
        if now >= self.deadline || (self.stop)() {
            return true;
        }
        if let Some(factor) = self.forecast {
            self.forecast_stopped = self.will_not_finish(now, factor);
        }
        self.forecast_stopped
    }

    /// The forecast (after [`FORECAST_MIN_NODES`] nodes, checked every 16,384): the
    /// share of the tree done grows about geometrically with the nodes (depth first,
    /// best bound first: the first subtrees are the largest, so a plain "nodes per
    /// share done" grossly overestimates what is left; tiny preset seed 4's share went
    /// 6e-6, 2e-5, 2e-4, 6e-4, 2e-3, 6e-3, 0.02, 0.08, 0.3 every 262,144 nodes and it
    /// finished at 3 M). So its logarithm is extrapolated linearly from the first
    /// check: the search stops when the nodes still needed to reach 1 exceed `factor`
    /// times the nodes it has left (to the node limit, or to the deadline at the rate
    /// so far). A share that does not grow forecasts no finish.
    fn will_not_finish(&mut self, now: Instant, factor: f64) -> bool {
        if self.nodes < FORECAST_MIN_NODES || self.nodes % 16_384 != 0 {
            return false;
        }
        let log_done = self.done.clamp(1e-300, 1.0).ln();
        let Some((n0, log0)) = self.forecast_anchor else {
            self.forecast_anchor = Some((self.nodes, log_done));
            return false;
        };
        if self.nodes < 2 * n0 {
            return false;
        }
        let elapsed = now.saturating_duration_since(self.started).as_secs_f64();
        let per_node = elapsed / self.nodes as f64;
        let time_left = self.deadline.saturating_duration_since(now).as_secs_f64();
        let nodes_left = (self.node_limit.saturating_sub(self.nodes) as f64)
            .min(time_left / per_node.max(1e-12));
        // Not before a fifth of the budget (the share done can stall for a while and
        // then jump: tiny preset seed 5).
        if (self.nodes as f64) < FORECAST_MIN_SHARE * (self.nodes as f64 + nodes_left) {
            return false;
        }
        let slope = (log_done - log0) / (self.nodes - n0) as f64;
        let needed = if slope > 0.0 {
            -log_done / slope
        } else {
            f64::INFINITY
        };
        needed > factor * nodes_left
    }

    /// Visits the node (slot `s`, `j` teams placed); `acc` is the exact value of the
    /// slots before `s`, `fsum` the teams' table entries, `ub` the node's bound.
    fn visit(&mut self, s: usize, j: usize, acc: f64, fsum: f64, ub: f64, w: f64) {
        if self.aborted || self.out_of_budget() {
            self.aborted = true;
            self.open_max = self.open_max.max(ub);
            return;
        }
        if j == self.order.len() {
            self.finish_slot(s, acc, ub, w);
            return;
        }
        let ti = self.order[j];
        let x = self.at.cur[ti];
        let t = &self.l.comp.teams[ti];
        let nstates = t.states();
        let f_here = self.tables[ti][s * nstates + x as usize];
        let l_escort = self.l.inst.objective().volunteers_need_professional;
        let depth = s * self.order.len() + j;
        let mut children = std::mem::take(&mut self.child_bufs[depth]);
        children.clear();
        t.moves(s, x, |li, y| children.push((0.0, li, y, 0.0)));
        let mut kept = 0;
        for i in 0..children.len() {
            let (_, li, y, _) = children[i];
            let f_next = self.tables[ti][(s + 1) * nstates + y as usize];
            if f_next == f64::NEG_INFINITY {
                continue;
            }
            let fs = fsum - f_here + f_next;
            let cell_sum = match li {
                None => self.at.cur_sum,
                Some(li) => {
                    let li = li as usize;
                    // Professionals are placed before volunteers, so a volunteer's
                    // region without a professional stays without one.
                    if l_escort
                        && t.volunteer
                        && self.at.pro[self.l.loc_local[ti][li] as usize] == 0
                    {
                        continue;
                    }
                    if t.kind == TeamKind::Mobile {
                        let post = self.l.loc_local[ti][li] as usize;
                        if self.at.pcount[post] >= self.l.cap[post] {
                            continue;
                        }
                    }
                    self.place(ti, li, s, true);
                    let v = self.at.cur_sum;
                    self.place(ti, li, s, false);
                    v
                }
            };
            let child_ub = acc + cell_sum + fs + self.future[s + 1];
            children[kept] = (child_ub.min(ub), li, y, fs);
            kept += 1;
        }
        children.truncate(kept);
        // Best bound first (stable: ties keep the move order).
        children.sort_by(|a, b| b.0.total_cmp(&a.0));
        if children.is_empty() {
            self.done += w;
        }
        // Each child's share of the tree: the node's share in proportion to how far its
        // bound is above the incumbent (a child barely above it is soon cut).
        let surplus = |cub: f64, inc: f64| (cub - inc).max(0.0);
        let inc0 = self.incumbent;
        let denom: f64 = children.iter().map(|c| surplus(c.0, inc0)).sum();
        let mut given = 0.0;
        for i in 0..children.len() {
            let (cub, li, y, fs) = children[i];
            if self.aborted {
                for c in &children[i..] {
                    self.open_max = self.open_max.max(c.0);
                }
                break;
            }
            if cub <= self.incumbent + self.tol {
                self.done += w - given;
                break;
            }
            let wc = if denom > 0.0 {
                w * surplus(cub, inc0) / denom
            } else {
                w / children.len() as f64
            };
            given += wc;
            if let Some(li) = li {
                self.place(ti, li as usize, s, true);
            }
            self.nxt[ti] = y;
            self.plan[ti][s] = li;
            self.visit(s, j + 1, acc, fs, cub, wc);
            self.plan[ti][s] = None;
            if let Some(li) = li {
                self.place(ti, li as usize, s, false);
            }
            if self.aborted {
                for c in &children[i + 1..] {
                    self.open_max = self.open_max.max(c.0);
                }
                break;
            }
        }
        self.child_bufs[depth] = children;
    }

    /// All teams placed in slot `s`: check the slot's coupling rules, add its exact
    /// value, cut dominated states, go on with the next slot.
    fn finish_slot(&mut self, s: usize, acc: f64, ub: f64, w: f64) {
        if !self.slot_continues(s, acc, ub, w) {
            self.done += w;
        }
    }

    /// [`Self::finish_slot`]: whether the search went on into slot `s + 1` (which then
    /// counts its own share of the tree).
    fn slot_continues(&mut self, s: usize, acc: f64, ub: f64, w: f64) -> bool {
        let l = self.l;
        let slots = self.slots;
        let obj = &l.inst.objective();
        let mut val = 0.0;
        for ri in 0..l.comp.regions.len() {
            let c = ri * slots + s;
            match l.comp.side {
                Side::Patrol => {
                    if self.at.cnt[ri] < l.req[c] {
                        return false;
                    }
                    if obj.volunteers_need_professional
                        && self.at.vol[ri] > 0
                        && self.at.pro[ri] == 0
                    {
                        return false;
                    }
                    val += l.w[c] * obj.presence_value(self.at.pa[ri]);
                }
                Side::Mobile => {
                    if self.at.n1[ri] >= 1 {
                        val += l.alpha[c];
                    }
                    if self.at.n2[ri] >= 2 {
                        val += l.beta[c];
                    }
                }
            }
        }
        let acc = acc + val;
        if s + 1 == slots {
            if acc > self.incumbent {
                self.incumbent = acc;
                self.best = Some(self.plan.clone());
            }
            return false;
        }
        if let Some(nd) = &self.need {
            if !nd.feasible(s + 1, &self.nxt, &l.comp.teams) {
                return false;
            }
        }
        if self.memo_len < MEMO_LIMIT || !self.memo[s].is_empty() {
            self.fill_key();
            match self.memo[s].get_mut(self.key_buf.as_slice()) {
                Some(old) if *old >= acc => return false,
                Some(old) => *old = acc,
                None if self.memo_len < MEMO_LIMIT => {
                    self.memo[s].insert(self.key_buf.clone(), acc);
                    self.memo_len += 1;
                }
                None => {}
            }
        }
        // Next slot: save this slot's counters and states (restored after the subtree).
        let mut save = std::mem::take(&mut self.slot_saves[s]);
        save.copy_from(&self.at);
        self.at.cur.clone_from(&self.nxt);
        self.start_slot(s + 1);
        let fsum = self.fsum_start(s + 1);
        self.visit(s + 1, 0, acc, fsum, ub, w);
        self.nxt.clone_from(&self.at.cur);
        self.at.copy_from(&save);
        self.slot_saves[s] = save;
        true
    }

    /// The dominance key into `key_buf`: states with identical teams' states sorted.
    fn fill_key(&mut self) {
        self.key_buf.clear();
        for g in &self.groups {
            let start = self.key_buf.len();
            self.key_buf.extend(g.iter().map(|&i| self.nxt[i]));
            self.key_buf[start..].sort_unstable();
        }
    }
}
