//! The incremental search state: every team's location per slot, and per region-slot
//! the aggregates the score and the hard rules depend on. A change of one team in one
//! slot updates only the region-slots (and post-slot) it touches, in O(cover set size).

use std::sync::Arc;

use super::context::{Context, NONE};
use crate::model::TeamIdx;
use crate::schedule::{Schedule, Shift};

/// The three parts of the objective, as tracked by the search.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    /// `sum w[r,s] * g(P[r,s])`.
    pub presence: f64,
    /// `response_weight * sum risk * C1`.
    pub response: f64,
    /// `backup_weight * sum risk * C2`.
    pub backup: f64,
}

impl Score {
    /// The objective.
    pub fn total(&self) -> f64 {
        self.presence + self.response + self.backup
    }
}

/// Where the aggregate arrays of each component's states keep their cells: every
/// region and post belongs to at most one component (a region two teams can reach joins
/// them), so one global map gives each its row inside its own component's arrays. A
/// state then holds only its component's region-slots and post-slots, and an instance
/// of many components needs no more state memory than one of the same size.
#[derive(Debug, Clone)]
pub struct Layout {
    region_row: Arc<[u32]>,
    post_row: Arc<[u32]>,
    regions: Vec<Arc<[u32]>>,
    posts: Vec<Arc<[u32]>>,
}

impl Layout {
    /// The layout of these disjoint team sets (the instance's components): component
    /// `c` holds the regions its patrol teams reach and the posts its mobile teams may
    /// use with the regions those cover, in ascending order.
    ///
    /// # Panics
    /// When two of the sets share a region or a post (they are not components).
    pub fn new(ctx: &Context, comps: &[Vec<TeamIdx>]) -> Layout {
        let inst = ctx.inst;
        let reach = inst.reach();
        let mut region_owner = vec![NONE; inst.regions().len()];
        let mut post_owner = vec![NONE; inst.posts().len()];
        let own = |owner: &mut [u32], at: u32, c: usize| {
            let o = &mut owner[at as usize];
            assert!(
                *o == NONE || *o == c as u32,
                "team sets share a location: not independent components"
            );
            *o = c as u32;
        };
        for (c, teams) in comps.iter().enumerate() {
            for &k in teams {
                for &l in ctx.reach(k) {
                    if ctx.patrol[k] {
                        own(&mut region_owner, l, c);
                        continue;
                    }
                    own(&mut post_owner, l, c);
                    for &r in reach.response_regions(k, l as usize) {
                        own(&mut region_owner, r, c);
                    }
                    for &r in reach.backup_regions(k, l as usize) {
                        own(&mut region_owner, r, c);
                    }
                }
            }
        }
        let rows = |owner: &[u32]| {
            let mut members = vec![Vec::new(); comps.len()];
            let mut row = vec![NONE; owner.len()];
            for (at, &c) in owner.iter().enumerate() {
                if c != NONE {
                    row[at] = members[c as usize].len() as u32;
                    members[c as usize].push(at as u32);
                }
            }
            let members: Vec<Arc<[u32]>> = members.into_iter().map(Arc::from).collect();
            (Arc::<[u32]>::from(row), members)
        };
        let (region_row, regions) = rows(&region_owner);
        let (post_row, posts) = rows(&post_owner);
        Layout {
            region_row,
            post_row,
            regions,
            posts,
        }
    }
}

/// Mutable state of one search member over a set of teams (a component of the
/// instance, or all of it). The teams are local (`teams[li]`), and so are the
/// aggregate arrays: they hold only the regions and posts of the component (see
/// [`Layout`]), row by row in ascending global order; read them through
/// [`State::patrols`], [`State::professionals`], [`State::presence`] and
/// [`State::occupancy`], which take global region and post indices.
#[derive(Debug, Clone)]
pub struct State<'c> {
    /// Shared precomputation.
    pub ctx: &'c Context<'c>,
    /// Global index of each local team.
    pub teams: Vec<TeamIdx>,
    /// `local * slots + s`: location, or [`NONE`].
    pub loc: Vec<u32>,
    /// Slots worked per local team.
    pub worked: Vec<u32>,
    /// Global region -> row in the region arrays ([`NONE`]: another component's).
    region_row: Arc<[u32]>,
    /// Global post -> row in `occ`.
    post_row: Arc<[u32]>,
    /// The global regions of the rows, ascending.
    regions: Arc<[u32]>,
    /// The global posts of the rows of `occ`, ascending.
    posts: Arc<[u32]>,
    /// `row * slots + s`: presence in fixed point.
    pres: Vec<i64>,
    /// `row * slots + s`: patrol teams (volunteers included).
    cnt: Vec<u16>,
    /// `row * slots + s`: professional (non-volunteer) patrol teams.
    pro: Vec<u16>,
    /// `row * slots + s`: mobile teams within the response standard.
    c1: Vec<u16>,
    /// `row * slots + s`: mobile teams within the backup standard.
    c2: Vec<u16>,
    /// `post row * slots + s`: mobile teams at the post.
    occ: Vec<u16>,
    /// The score, kept incrementally.
    pub score: Score,
    /// Units by which the coupled rules are broken, kept incrementally: per region-slot
    /// the `min_patrol` shortfall plus the volunteers standing without a professional
    /// (when escorts are required), per post-slot the teams over capacity. Zero in every
    /// state the strict search visits; see [`State::relaxed`].
    pub breaches: i64,
    /// Whether the coupled rules (`min_patrol`, `volunteer_escort`, `post_capacity`) may
    /// be broken: [`State::may_enter`], [`State::may_leave`] and [`State::needs`] then
    /// allow everything and [`State::gain`] charges `penalty` per breach unit instead.
    /// Per-team rules are kept either way.
    pub relaxed: bool,
    /// Objective units charged per breach unit when relaxed.
    pub penalty: f64,
    journal: Vec<(u32, u32, u32)>,
    journaling: bool,
}

impl<'c> State<'c> {
    /// An empty state (nobody works) over the given global teams, with a layout of its
    /// own (see [`State::in_component`] for the solver's shared one).
    pub fn new(ctx: &'c Context<'c>, teams: Vec<TeamIdx>) -> State<'c> {
        let layout = Layout::new(ctx, std::slice::from_ref(&teams));
        State::in_component(ctx, teams, &layout, 0)
    }

    /// An empty state over the teams of component `c` of `layout`.
    pub fn in_component(
        ctx: &'c Context<'c>,
        teams: Vec<TeamIdx>,
        layout: &Layout,
        c: usize,
    ) -> State<'c> {
        State::empty(
            ctx,
            teams,
            [&layout.region_row, &layout.post_row],
            [&layout.regions[c], &layout.posts[c]],
        )
    }

    /// An empty state with these row maps (`[regions, posts]`) and rows.
    fn empty(
        ctx: &'c Context<'c>,
        teams: Vec<TeamIdx>,
        [region_row, post_row]: [&Arc<[u32]>; 2],
        [regions, posts]: [&Arc<[u32]>; 2],
    ) -> State<'c> {
        let s = ctx.slots;
        let nr = regions.len() * s;
        // Nobody works yet: every requirement in a region these teams can reach falls
        // short by its full count (regions only their mobile teams cover have no patrol
        // team here: the solver reports those requirements as unreachable).
        let mut mine = vec![false; regions.len()];
        for &k in &teams {
            if ctx.patrol[k] {
                for &r in ctx.reach(k) {
                    mine[region_row[r as usize] as usize] = true;
                }
            }
        }
        let breaches = regions
            .iter()
            .zip(&mine)
            .filter(|(_, &m)| m)
            .flat_map(|(&r, _)| {
                let g = r as usize * s;
                ctx.req[g..g + s].iter()
            })
            .map(|&q| i64::from(q))
            .sum();
        State {
            ctx,
            loc: vec![NONE; teams.len() * s],
            worked: vec![0; teams.len()],
            teams,
            region_row: region_row.clone(),
            post_row: post_row.clone(),
            regions: regions.clone(),
            posts: posts.clone(),
            pres: vec![0; nr],
            cnt: vec![0; nr],
            pro: vec![0; nr],
            c1: vec![0; nr],
            c2: vec![0; nr],
            occ: vec![0; posts.len() * s],
            score: Score::default(),
            breaches,
            relaxed: false,
            penalty: 0.0,
            journal: Vec::new(),
            journaling: false,
        }
    }

    /// Index of region `r` (global) in slot `s` in the region arrays.
    #[inline]
    fn cell(&self, r: u32, s: usize) -> usize {
        self.region_row[r as usize] as usize * self.ctx.slots + s
    }

    /// Index of post `p` (global) in slot `s` in `occ`.
    #[inline]
    fn post_cell(&self, p: u32, s: usize) -> usize {
        self.post_row[p as usize] as usize * self.ctx.slots + s
    }

    /// The global regions this state's arrays hold, ascending.
    pub fn regions(&self) -> &[u32] {
        &self.regions
    }

    /// The global posts this state's arrays hold, ascending.
    pub fn posts(&self) -> &[u32] {
        &self.posts
    }

    /// Patrol teams (volunteers included) in region `r` (one of [`State::regions`]) at
    /// slot `s`.
    #[inline]
    pub fn patrols(&self, r: u32, s: usize) -> u16 {
        self.cnt[self.cell(r, s)]
    }

    /// Professional patrol teams in region `r` at slot `s`.
    #[inline]
    pub fn professionals(&self, r: u32, s: usize) -> u16 {
        self.pro[self.cell(r, s)]
    }

    /// Presence (fixed point) in region `r` at slot `s`.
    #[inline]
    pub fn presence(&self, r: u32, s: usize) -> i64 {
        self.pres[self.cell(r, s)]
    }

    /// Mobile teams at post `p` (one of [`State::posts`]) in slot `s`.
    #[inline]
    pub fn occupancy(&self, p: u32, s: usize) -> u16 {
        self.occ[self.post_cell(p, s)]
    }

    /// The objective minus the penalty of the breaches (the objective itself when
    /// nothing is broken): what a relaxed search compares.
    #[inline]
    pub fn penalised(&self) -> f64 {
        if self.breaches == 0 {
            self.score.total()
        } else {
            self.score.total() - self.penalty * self.breaches as f64
        }
    }

    /// Whether the coupled rules hold (the per-team rules always do).
    #[inline]
    pub fn feasible(&self) -> bool {
        self.breaches == 0
    }

    /// Breach units added by putting team `k` (not counted) at `l` in slot `s`
    /// (negative when it repairs some).
    #[inline]
    pub fn breach_delta(&self, k: TeamIdx, l: u32, s: usize) -> i64 {
        if self.ctx.patrol[k] {
            let g = l as usize * self.ctx.slots + s;
            let i = self.cell(l, s);
            let (cnt, pro) = (self.cnt[i], self.pro[i]);
            let before = self.cell_breaches(g, cnt, pro);
            let after = self.cell_breaches(g, cnt + 1, pro + u16::from(!self.ctx.volunteer[k]));
            after - before
        } else {
            i64::from(self.occ[self.post_cell(l, s)] >= self.ctx.capacity[l as usize])
        }
    }

    /// Value gained, and breach units added, by putting patrol teams `k1` and `k2`
    /// (neither counted) together in region `r` at slot `s`.
    pub fn patrol_gain_two(&self, k1: TeamIdx, k2: TeamIdx, r: u32, s: usize) -> (f64, i64) {
        let ctx = self.ctx;
        let g = r as usize * ctx.slots + s;
        let i = self.cell(r, s);
        let p = self.pres[i];
        let value = ctx.inst.weights()[g] * (ctx.g(p + ctx.eff[k1] + ctx.eff[k2]) - ctx.g(p));
        let (cnt, pro) = (self.cnt[i], self.pro[i]);
        let pros = u16::from(!ctx.volunteer[k1]) + u16::from(!ctx.volunteer[k2]);
        let breaches = self.cell_breaches(g, cnt + 2, pro + pros) - self.cell_breaches(g, cnt, pro);
        (value, breaches)
    }

    /// Breach units of the region-slot with global index `g` (`r * slots + s`) with
    /// `cnt` patrol teams, `pro` of them professionals.
    #[inline]
    fn cell_breaches(&self, g: usize, cnt: u16, pro: u16) -> i64 {
        let short = i64::from(self.ctx.req[g].saturating_sub(cnt));
        if self.ctx.escort && pro == 0 {
            short + i64::from(cnt)
        } else {
            short
        }
    }

    /// Location of local team `li` in slot `s` ([`NONE`] when off).
    #[inline]
    pub fn at(&self, li: usize, s: usize) -> u32 {
        self.loc[li * self.ctx.slots + s]
    }

    /// Value gained by putting patrol team `k` (not counted) in region `r` at slot `s`.
    #[inline]
    pub fn patrol_gain(&self, k: TeamIdx, r: u32, s: usize) -> f64 {
        let p = self.pres[self.cell(r, s)];
        self.ctx.inst.weights()[r as usize * self.ctx.slots + s]
            * (self.ctx.g(p + self.ctx.eff[k]) - self.ctx.g(p))
    }

    /// Value gained by putting mobile team `k` (not counted) at post `p` in slot `s`.
    #[inline]
    pub fn mobile_gain(&self, k: TeamIdx, p: u32, s: usize) -> f64 {
        let reach = &self.ctx.inst.reach();
        let n = self.ctx.slots;
        let mut v = 0.0;
        for &r in reach.response_regions(k, p as usize) {
            if self.c1[self.cell(r, s)] == 0 {
                v += self.ctx.resp_w[r as usize * n + s];
            }
        }
        for &r in reach.backup_regions(k, p as usize) {
            if self.c2[self.cell(r, s)] == 1 {
                v += self.ctx.back_w[r as usize * n + s];
            }
        }
        v
    }

    /// Value gained by putting team `k` (not counted) at location `l` in slot `s`.
    #[inline]
    pub fn gain(&self, k: TeamIdx, l: u32, s: usize) -> f64 {
        let g = if self.ctx.patrol[k] {
            self.patrol_gain(k, l, s)
        } else {
            self.mobile_gain(k, l, s)
        };
        if self.relaxed {
            g - self.penalty * self.breach_delta(k, l, s) as f64
        } else {
            g
        }
    }

    /// Whether team `k` (not counted) may stand at `l` in slot `s` given the others:
    /// volunteers need a professional there, posts have a capacity.
    #[inline]
    pub fn may_enter(&self, k: TeamIdx, l: u32, s: usize) -> bool {
        if self.relaxed {
            return true;
        }
        if self.ctx.patrol[k] {
            !(self.ctx.escort && self.ctx.volunteer[k]) || self.pro[self.cell(l, s)] > 0
        } else {
            self.occ[self.post_cell(l, s)] < self.ctx.capacity[l as usize]
        }
    }

    /// Whether, with team `k` not counted, location `l` in slot `s` lacks it: a
    /// minimum-patrol requirement falls short, or volunteers stand without a
    /// professional. A team that was there must then stay.
    #[inline]
    pub fn needs(&self, k: TeamIdx, l: u32, s: usize) -> bool {
        if self.relaxed || !self.ctx.patrol[k] {
            return false;
        }
        let i = self.cell(l, s);
        self.cnt[i] < self.ctx.req[l as usize * self.ctx.slots + s]
            || (self.ctx.escort && !self.ctx.volunteer[k] && self.pro[i] == 0 && self.cnt[i] > 0)
    }

    /// Whether local team `li` may leave its location in slot `s` without breaking a
    /// requirement or stranding volunteers.
    #[inline]
    pub fn may_leave(&self, li: usize, s: usize) -> bool {
        let l = self.at(li, s);
        if self.relaxed || l == NONE || !self.ctx.patrol[self.teams[li]] {
            return true;
        }
        let k = self.teams[li];
        let i = self.cell(l, s);
        let (cnt, pro) = (
            self.cnt[i] - 1,
            self.pro[i] - u16::from(!self.ctx.volunteer[k]),
        );
        cnt >= self.ctx.req[l as usize * self.ctx.slots + s]
            && !(self.ctx.escort && pro == 0 && cnt > 0)
    }

    /// Starts recording changes so that they can be rolled back.
    pub fn begin(&mut self) {
        self.journal.clear();
        self.journaling = true;
    }

    /// Keeps the recorded changes.
    pub fn commit(&mut self) {
        self.journal.clear();
        self.journaling = false;
    }

    /// Undoes every change since [`State::begin`] and restores `score` exactly.
    pub fn rollback(&mut self, score: Score) {
        self.journaling = false;
        while let Some((li, s, old)) = self.journal.pop() {
            self.set(li as usize, s as usize, old);
        }
        self.score = score;
    }

    /// Puts local team `li` at `l` (or off, with [`NONE`]) in slot `s`, updating every
    /// aggregate and the score.
    pub fn set(&mut self, li: usize, s: usize, l: u32) {
        let n = self.ctx.slots;
        let old = self.loc[li * n + s];
        if old == l {
            return;
        }
        if self.journaling {
            self.journal.push((li as u32, s as u32, old));
        }
        let k = self.teams[li];
        if old != NONE {
            self.worked[li] -= 1;
            self.apply(k, old, s, -1);
        }
        if l != NONE {
            self.worked[li] += 1;
            self.apply(k, l, s, 1);
        }
        self.loc[li * n + s] = l;
    }

    fn apply(&mut self, k: TeamIdx, l: u32, s: usize, sign: i64) {
        let ctx = self.ctx;
        let n = ctx.slots;
        if ctx.patrol[k] {
            let g = l as usize * n + s;
            let i = self.cell(l, s);
            let before = ctx.g(self.pres[i]);
            self.pres[i] += sign * ctx.eff[k];
            self.score.presence += ctx.inst.weights()[g] * (ctx.g(self.pres[i]) - before);
            let d = sign as i16 as u16;
            let was = self.cell_breaches(g, self.cnt[i], self.pro[i]);
            self.cnt[i] = self.cnt[i].wrapping_add(d);
            if !ctx.volunteer[k] {
                self.pro[i] = self.pro[i].wrapping_add(d);
            }
            self.breaches += self.cell_breaches(g, self.cnt[i], self.pro[i]) - was;
            return;
        }
        let cap = ctx.capacity[l as usize];
        let over = |o: u16| i64::from(o.saturating_sub(cap));
        let i = self.post_cell(l, s);
        let was = over(self.occ[i]);
        self.occ[i] = self.occ[i].wrapping_add(sign as i16 as u16);
        self.breaches += over(self.occ[i]) - was;
        let reach = &ctx.inst.reach();
        for &r in reach.response_regions(k, l as usize) {
            let j = self.cell(r, s);
            let was = self.c1[j] > 0;
            self.c1[j] = self.c1[j].wrapping_add(sign as i16 as u16);
            if was != (self.c1[j] > 0) {
                self.score.response += sign as f64 * ctx.resp_w[r as usize * n + s];
            }
        }
        for &r in reach.backup_regions(k, l as usize) {
            let j = self.cell(r, s);
            let was = self.c2[j] > 1;
            self.c2[j] = self.c2[j].wrapping_add(sign as i16 as u16);
            if was != (self.c2[j] > 1) {
                self.score.backup += sign as f64 * ctx.back_w[r as usize * n + s];
            }
        }
    }

    /// The score computed from the aggregates alone (no incremental sums), in a fixed
    /// order (global region-slot order; the other components' cells would add exact
    /// zeros): what the incremental score must equal.
    pub fn recompute_score(&self) -> Score {
        let ctx = self.ctx;
        let n = ctx.slots;
        let mut sc = Score::default();
        for (row, &r) in self.regions.iter().enumerate() {
            for s in 0..n {
                let (i, g) = (row * n + s, r as usize * n + s);
                sc.presence += ctx.inst.weights()[g] * ctx.g(self.pres[i]);
                if self.c1[i] > 0 {
                    sc.response += ctx.resp_w[g];
                }
                if self.c2[i] > 1 {
                    sc.backup += ctx.back_w[g];
                }
            }
        }
        sc
    }

    /// Rebuilds every aggregate from the locations and resets the incremental score;
    /// returns the largest difference found against the incremental version (0 when
    /// the incremental bookkeeping is exact).
    pub fn recompute_from_scratch(&mut self) -> f64 {
        let mut fresh = State::empty(
            self.ctx,
            self.teams.clone(),
            [&self.region_row, &self.post_row],
            [&self.regions, &self.posts],
        );
        let n = self.ctx.slots;
        for li in 0..self.teams.len() {
            for s in 0..n {
                fresh.set(li, s, self.loc[li * n + s]);
            }
        }
        let mut diff = 0.0f64;
        let arrays_equal = fresh.pres == self.pres
            && fresh.cnt == self.cnt
            && fresh.pro == self.pro
            && fresh.c1 == self.c1
            && fresh.c2 == self.c2
            && fresh.occ == self.occ
            && fresh.worked == self.worked;
        if !arrays_equal {
            diff = f64::INFINITY;
        }
        let exact = fresh.recompute_score();
        diff = diff.max((exact.total() - self.score.total()).abs());
        if fresh.breaches != self.breaches {
            diff = f64::INFINITY;
        }
        *self = State {
            journal: Vec::new(),
            journaling: false,
            score: exact,
            relaxed: self.relaxed,
            penalty: self.penalty,
            ..fresh
        };
        diff
    }

    /// The shifts (maximal runs of worked slots) of local team `li`, as `(start, end)`.
    pub fn shifts_of(&self, li: usize, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let n = self.ctx.slots;
        let row = &self.loc[li * n..(li + 1) * n];
        let mut s = 0;
        while s < n {
            if row[s] == NONE {
                s += 1;
                continue;
            }
            let a = s;
            while s < n && row[s] != NONE {
                s += 1;
            }
            out.push((a, s));
        }
    }

    /// Writes this state's teams into `schedule` (other teams are left alone).
    pub fn write_into(&self, schedule: &mut Schedule) {
        let n = self.ctx.slots;
        let mut runs = Vec::new();
        for (li, &k) in self.teams.iter().enumerate() {
            self.shifts_of(li, &mut runs);
            schedule.shifts[k] = runs
                .iter()
                .map(|&(a, b)| Shift {
                    start: a,
                    at: self.loc[li * n + a..li * n + b].to_vec(),
                })
                .collect();
        }
    }
}
