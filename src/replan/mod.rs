//! Re-planning from `now` after events (MODEL.md section 9): the [`Replanner`] keeps the
//! instance and the plan warm between calls. Each [`Replanner::apply`]:
//!
//! 1. makes the updated instance (only when an event changes it; dispatches and pins
//!    do not) and the rules the re-plan is judged by;
//! 2. applies the events' own changes to the plan: `null` in dispatched ranges, nothing
//!    in unavailable ranges (a remainder after the range that is too short or too close
//!    is dropped too), and stale `null`s of earlier dispatches filled with the team's
//!    post of the same shift;
//! 3. repairs what the events broke (`min_patrol`, `volunteer_escort`) with the fewest
//!    changes it finds: a working team relocated, a shift extended or a new shift;
//! 4. moves up the mobile teams around each dispatched team (per slot, the relocations
//!    that raise response + backup cover most, as `siting::move_up` does, keeping hop,
//!    reach and capacity);
//! 5. improves the plan from `now` on by relocations until the time limit, accepting a
//!    move only when it raises the score, or keeps it and undoes a change (equal scores
//!    are broken toward fewer changes), never past `max_changes`;
//! 6. has the evaluator judge the result by section 9 (`evaluate_replan_schedule`).
//!
//! History (slots before `now`), pins and dispatched ranges are never touched.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::bound::{compute_bound, BoundOptions};
use crate::events::{Event, Events, EventsError};
use crate::model::{Instance, Slot, TeamIdx, TeamKind};
use crate::schedule::{
    count_changes, evaluate_replan_schedule, objective_from, Cell, ObjectiveParts, ReplanRules,
    Rule, Schedule, Violation,
};
use crate::siting::CoverCounts;

/// Relocations per slot in the move-up after a dispatch.
pub const MOVE_UP_MOVES: usize = 3;
/// Repair rounds before giving up.
const REPAIR_ROUNDS: usize = 8;

/// Why no re-plan was returned.
#[derive(Debug, thiserror::Error)]
pub enum ReplanError {
    /// The events are bad input or make an invalid instance.
    #[error(transparent)]
    Events(#[from] EventsError),
    /// No feasible re-plan was found (for example a requirement no free team can meet,
    /// or a change budget too small for the repair).
    #[error("no feasible re-plan found; {} breach(es) left, first: {}", .0.len(), .0.first().map_or(String::new(), |v| v.to_string()))]
    Infeasible(Vec<Violation>),
}

/// Settings of the re-planner.
#[derive(Debug, Clone)]
pub struct ReplanOptions {
    /// Time limit of the improvement from `now` on (the repair and move-up always run).
    pub time_limit: Duration,
    /// Seed of the improvement's random choices.
    pub seed: u64,
    /// Time for an upper bound of the updated instance (`None`: no bound, no gap).
    pub bound_time: Option<Duration>,
    /// Have the evaluator judge every re-plan (on by default).
    pub verify: bool,
}

impl Default for ReplanOptions {
    fn default() -> Self {
        ReplanOptions {
            time_limit: Duration::from_secs(1),
            seed: 0,
            bound_time: None,
            verify: true,
        }
    }
}

/// What [`Replanner::apply`] returns.
#[derive(Debug, Clone)]
pub struct Replan {
    /// The re-planned schedule (feasible by section 9 when `verify` is on).
    pub schedule: Schedule,
    /// Team-slots changed from `now` on (the events' own ranges not counted).
    pub changes: usize,
    /// Ids of the teams changed, in instance order.
    pub changed_teams: Vec<String>,
    /// The previous plan's objective on the updated instance, slots `>= now`.
    pub objective_before: ObjectiveParts,
    /// The re-plan's objective, slots `>= now`.
    pub objective_after: ObjectiveParts,
    /// The re-plan's objective over the whole horizon.
    pub objective_total: ObjectiveParts,
    /// A proven upper bound of the updated instance's total, when asked for.
    pub bound: Option<f64>,
    /// `(bound - total) / bound`, when the bound is known.
    pub gap: Option<f64>,
    /// Wall time of the whole call.
    pub elapsed: Duration,
    /// Wall time of steps 1 to 4 (a feasible re-plan with the move-up), before the
    /// improvement.
    pub first_feasible: Duration,
    /// Relocations made by the move-up.
    pub move_ups: usize,
}

/// Keeps the instance and the plan warm between re-plans.
#[derive(Clone)]
pub struct Replanner {
    instance: Arc<Instance>,
    schedule: Schedule,
    rows: Vec<Vec<Cell>>,
    options: ReplanOptions,
    calls: u64,
}

impl Replanner {
    /// A re-planner of `schedule` (a plan of `instance`).
    pub fn new(instance: Instance, schedule: Schedule) -> Replanner {
        let slots = instance.slots();
        let rows = (0..instance.teams().len())
            .map(|k| schedule.row(k, slots))
            .collect();
        Replanner {
            instance: Arc::new(instance),
            schedule,
            rows,
            options: ReplanOptions::default(),
            calls: 0,
        }
    }

    /// Replaces the settings.
    pub fn with_options(mut self, options: ReplanOptions) -> Self {
        self.options = options;
        self
    }

    /// The settings.
    pub fn options_mut(&mut self) -> &mut ReplanOptions {
        &mut self.options
    }

    /// The current (updated) instance.
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// The current plan.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// Applies validated events (see [`crate::events::parse_events`], against
    /// [`Replanner::instance`] and [`Replanner::schedule`]) and re-plans from `now`.
    /// On success the re-plan becomes the current plan and the updated instance the
    /// current instance; on error nothing changes.
    pub fn apply(&mut self, events: &Events) -> Result<Replan, ReplanError> {
        let t0 = Instant::now();
        let changes_instance = events
            .events
            .iter()
            .any(|e| !matches!(e, Event::Dispatched(_) | Event::Pin(_)));
        let updated = if changes_instance {
            Arc::new(events.apply(&self.instance)?)
        } else {
            Arc::clone(&self.instance)
        };
        let rules = events.rules(self.schedule.clone());
        let mut w = Work::new(&updated, &rules, self.rows.clone());
        w.event_effects();
        w.repair()?;
        let move_ups = w.move_up();
        let first_feasible = t0.elapsed();
        let seed = self.options.seed ^ self.calls.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        w.improve(t0 + self.options.time_limit, seed);
        let rows = w.rows;
        let mut schedule = Schedule::empty(&updated);
        for (k, row) in rows.iter().enumerate() {
            schedule.set_row(k, row);
        }
        if self.options.verify {
            let ev = evaluate_replan_schedule(&updated, &schedule, &rules);
            if !ev.feasible {
                return Err(ReplanError::Infeasible(ev.violations));
            }
        }
        let (changes, teams) = count_changes(&updated, &rules, &schedule);
        let objective_before = objective_from(&updated, &rules.previous, rules.now);
        let objective_after = objective_from(&updated, &schedule, rules.now);
        let objective_total = objective_from(&updated, &schedule, 0);
        let bound = self.options.bound_time.and_then(|t| {
            compute_bound(
                &updated,
                &BoundOptions {
                    time_limit: t,
                    ..BoundOptions::default()
                },
            )
            .ok()
            .map(|b| b.bound)
        });
        let gap = crate::search::solver::gap(bound, objective_total.total);
        self.instance = updated;
        self.schedule = schedule.clone();
        self.rows = rows;
        self.calls += 1;
        Ok(Replan {
            changed_teams: teams
                .iter()
                .map(|&k| self.instance.teams()[k].id.clone())
                .collect(),
            schedule,
            changes,
            objective_before,
            objective_after,
            objective_total,
            bound,
            gap,
            elapsed: t0.elapsed(),
            first_feasible,
            move_ups,
        })
    }
}

/// The plan being re-planned, with the counts the moves need.
struct Work<'a> {
    inst: &'a Instance,
    rules: &'a ReplanRules,
    slots: usize,
    now: usize,
    rows: Vec<Vec<Cell>>,
    prev: Vec<Vec<Cell>>,
    /// Per team: ranges it may not change (pins and dispatches; history is `< now`).
    fixed: Vec<Vec<(Slot, Slot)>>,
    /// Per team: event ranges (not counted as changes).
    event_ranges: Vec<Vec<(Slot, Slot)>>,
    patrols: Vec<u32>,
    pros: Vec<u32>,
    vols: Vec<u32>,
    presence: Vec<f64>,
    req: Vec<u32>,
    cover: Vec<Option<CoverCounts<'a>>>,
    changes: usize,
    budget: usize,
}

impl<'a> Work<'a> {
    fn new(inst: &'a Instance, rules: &'a ReplanRules, rows: Vec<Vec<Cell>>) -> Work<'a> {
        let slots = inst.slots();
        let nt = inst.teams().len();
        let mut fixed = vec![Vec::new(); nt];
        let mut event_ranges = vec![Vec::new(); nt];
        for r in rules.pins.iter().chain(&rules.dispatched) {
            fixed[r.team].push((r.from, r.to));
        }
        for r in rules.dispatched.iter().chain(&rules.unavailable) {
            event_ranges[r.team].push((r.from, r.to));
        }
        let nr = inst.regions().len();
        let mut req = vec![0u32; nr * slots];
        for (r, region) in inst.regions().iter().enumerate() {
            for m in &region.min_patrol {
                for s in m.from..m.to.min(slots) {
                    req[r * slots + s] = req[r * slots + s].max(m.teams);
                }
            }
        }
        let mut w = Work {
            inst,
            rules,
            slots,
            now: rules.now.min(slots),
            prev: rows.clone(),
            rows,
            fixed,
            event_ranges,
            patrols: vec![0; nr * slots],
            pros: vec![0; nr * slots],
            vols: vec![0; nr * slots],
            presence: vec![0.0; nr * slots],
            req,
            cover: (0..slots).map(|_| None).collect(),
            changes: 0,
            budget: rules.max_changes.unwrap_or(usize::MAX),
        };
        for k in 0..nt {
            if inst.teams()[k].kind == TeamKind::Patrol {
                for s in 0..slots {
                    if let Cell::At(r) = w.rows[k][s] {
                        w.patrol_count(k, r, s, 1);
                    }
                }
            }
        }
        w
    }

    fn patrol_count(&mut self, k: TeamIdx, r: u32, s: Slot, sign: i32) {
        let t = &self.inst.teams()[k];
        let i = r as usize * self.slots + s;
        let add = |x: &mut u32| *x = (*x as i64 + sign as i64) as u32;
        add(&mut self.patrols[i]);
        if t.volunteer {
            add(&mut self.vols[i]);
        } else {
            add(&mut self.pros[i]);
        }
        self.presence[i] += sign as f64 * t.effectiveness;
    }

    fn is_fixed(&self, k: TeamIdx, s: Slot) -> bool {
        s < self.now || self.fixed[k].iter().any(|&(a, b)| a <= s && s < b)
    }

    fn is_event_slot(&self, k: TeamIdx, s: Slot) -> bool {
        self.event_ranges[k].iter().any(|&(a, b)| a <= s && s < b)
    }

    /// Change in the change count if `(k, s)` becomes `c`.
    fn change_delta(&self, k: TeamIdx, s: Slot, c: Cell) -> isize {
        if s < self.now || self.is_event_slot(k, s) {
            return 0;
        }
        let before = self.rows[k][s] != self.prev[k][s];
        let after = c != self.prev[k][s];
        after as isize - before as isize
    }

    fn cover(&mut self, s: Slot) -> &mut CoverCounts<'a> {
        if self.cover[s].is_none() {
            let placed: Vec<(TeamIdx, u32)> = (0..self.inst.teams().len())
                .filter(|&k| self.inst.teams()[k].kind == TeamKind::Mobile)
                .filter_map(|k| match self.rows[k][s] {
                    Cell::At(p) => Some((k, p)),
                    _ => None,
                })
                .collect();
            self.cover[s] = Some(CoverCounts::with_placed(self.inst, s, &placed));
        }
        self.cover[s].as_mut().expect("just built")
    }

    /// Sets one cell, keeping every count and the change count.
    fn set(&mut self, k: TeamIdx, s: Slot, c: Cell) {
        let old = self.rows[k][s];
        if old == c {
            return;
        }
        self.changes = (self.changes as isize + self.change_delta(k, s, c)) as usize;
        match self.inst.teams()[k].kind {
            TeamKind::Patrol => {
                if let Cell::At(r) = old {
                    self.patrol_count(k, r, s, -1);
                }
                if let Cell::At(r) = c {
                    self.patrol_count(k, r, s, 1);
                }
            }
            TeamKind::Mobile => {
                if let Some(cc) = self.cover[s].as_mut() {
                    match (old, c) {
                        (Cell::At(_), Cell::At(p)) => {
                            cc.move_to(k, p);
                        }
                        (Cell::At(_), _) => {
                            cc.remove(k);
                        }
                        (_, Cell::At(p)) => cc.add(k, p),
                        _ => {}
                    }
                }
            }
        }
        self.rows[k][s] = c;
    }

    fn set_row(&mut self, k: TeamIdx, row: &[Cell]) {
        for (s, &c) in row.iter().enumerate() {
            self.set(k, s, c);
        }
    }

    /// Step 2: the events' own changes.
    fn event_effects(&mut self) {
        let slots = self.slots;
        for d in &self.rules.dispatched {
            for s in d.from..d.to.min(slots) {
                self.set(d.team, s, Cell::Null);
            }
        }
        // Stale nulls of earlier dispatches (not re-sent): the team is back on stand-by,
        // at its shift's post when it has room, else at the best post it may take.
        let mut touched: Vec<TeamIdx> = self.rules.unavailable.iter().map(|u| u.team).collect();
        for k in 0..self.rows.len() {
            if self.inst.teams()[k].kind != TeamKind::Mobile {
                continue;
            }
            for s in self.now..slots {
                if self.rows[k][s] == Cell::Null && !self.rules.null_allowed(k, s) {
                    touched.push(k);
                    let own = (0..s)
                        .rev()
                        .take_while(|&x| self.rows[k][x] != Cell::Off)
                        .chain((s + 1..slots).take_while(|&x| self.rows[k][x] != Cell::Off))
                        .find_map(|x| match self.rows[k][x] {
                            Cell::At(p) => Some(p),
                            _ => None,
                        });
                    self.set(k, s, Cell::Off);
                    let reach = self.inst.reach().locations(k);
                    let mut best: Option<(f64, u32)> = None;
                    for p in own.into_iter().chain(reach.iter().copied()) {
                        if reach.binary_search(&p).is_err() || !self.hop_fits(k, s, p) {
                            continue;
                        }
                        let cc = self.cover(s);
                        if !cc.has_room(p) {
                            continue;
                        }
                        let g = cc.gain_add(k, p);
                        if Some(p) == own {
                            best = Some((f64::INFINITY, p));
                            break;
                        }
                        if best.is_none_or(|(bg, _)| g > bg) {
                            best = Some((g, p));
                        }
                    }
                    if let Some((_, p)) = best {
                        self.set(k, s, Cell::At(p));
                    }
                }
            }
        }
        for u in &self.rules.unavailable {
            let k = u.team;
            for s in u.from..u.to.min(slots) {
                self.set(k, s, Cell::Off);
            }
        }
        // Pieces that no longer keep the shift rules (a remainder after an unavailable
        // range, a piece left by a stale null) are dropped, from `now` on.
        touched.sort_unstable();
        touched.dedup();
        for k in touched {
            if !self.row_ok(k, &self.rows[k]) {
                let row = self.trimmed(k);
                self.set_row(k, &row);
            }
        }
    }

    /// Team `k`'s row with every run from `now` on that breaks a shift rule removed
    /// (runs that are fixed are kept).
    fn trimmed(&self, k: TeamIdx) -> Vec<Cell> {
        let mut row = self.rows[k].clone();
        let rules = self.inst.rules_of(k);
        let mut s = self.now;
        // A run that started before now continues: start at its beginning.
        while s > 0 && row[s - 1] != Cell::Off && s < self.slots && row[s] != Cell::Off {
            s -= 1;
        }
        let mut last_end: Option<usize> = None;
        for (_, b) in runs(&row[..self.now.min(row.len())]) {
            if b < self.now {
                last_end = Some(b);
            }
        }
        let all: Vec<(usize, usize)> = runs(&row);
        for (a, b) in all {
            if b <= s {
                continue;
            }
            let len = b - a;
            let short = len < rules.min_shift_slots && !self.rules.cut_allowed(k, a, b);
            let close = last_end.is_some_and(|e| a < e + rules.min_rest_slots);
            if (short || close || len > rules.max_shift_slots) && a >= self.now {
                let keep = (a..b).any(|x| self.is_fixed(k, x));
                if !keep {
                    row[a..b].fill(Cell::Off);
                    continue;
                }
            }
            last_end = Some(b);
        }
        row
    }

    /// Every per-team rule of section 4 (with the section 9 exceptions) on one row:
    /// availability, reach, shift length, rest, work limit, hop.
    fn row_ok(&self, k: TeamIdx, row: &[Cell]) -> bool {
        let inst = self.inst;
        let team = &inst.teams()[k];
        let rules = inst.rules_of(k);
        let mut worked = 0;
        let mut last_end: Option<usize> = None;
        for (a, b) in runs(row) {
            let len = b - a;
            if (len < rules.min_shift_slots && !self.rules.cut_allowed(k, a, b))
                || len > rules.max_shift_slots
            {
                return false;
            }
            if last_end.is_some_and(|e| a < e + rules.min_rest_slots) {
                return false;
            }
            last_end = Some(b);
            worked += len;
            for s in a..b {
                if !team.is_available(s) {
                    return false;
                }
                if let Cell::At(l) = row[s] {
                    if (l as usize) >= inst.nodes(team.kind).len() {
                        return false;
                    }
                    if inst.reach().locations(k).binary_search(&l).is_err() {
                        return false;
                    }
                    if s > a {
                        if let Cell::At(p) = row[s - 1] {
                            if p != l && !self.hop_ok(k, p, l) {
                                return false;
                            }
                        }
                    }
                }
            }
        }
        worked <= rules.max_work_slots
    }

    fn hop_ok(&self, k: TeamIdx, a: u32, b: u32) -> bool {
        a == b
            || self
                .inst
                .reach()
                .hop_neighbors(k, a as usize)
                .binary_search(&b)
                .is_ok()
    }

    /// Whether team `k` may stand at `l` in `s` as far as its own neighbours go.
    fn hop_fits(&self, k: TeamIdx, s: Slot, l: u32) -> bool {
        let row = &self.rows[k];
        let left = s == 0 || !matches!(row[s - 1], Cell::At(p) if !self.hop_ok(k, p, l));
        let right =
            s + 1 >= self.slots || !matches!(row[s + 1], Cell::At(p) if !self.hop_ok(k, l, p));
        left && right
    }

    /// Whether patrol team `k` may leave region `r` in slot `s` (requirement, escort).
    fn may_leave(&self, k: TeamIdx, r: u32, s: Slot) -> bool {
        let i = r as usize * self.slots + s;
        let t = &self.inst.teams()[k];
        if self.patrols[i] <= self.req[i] {
            return false;
        }
        !(self.escort() && !t.volunteer && self.pros[i] == 1 && self.vols[i] > 0)
    }

    /// Whether patrol team `k` may enter region `r` in slot `s` (escort).
    fn may_enter(&self, k: TeamIdx, r: u32, s: Slot) -> bool {
        let t = &self.inst.teams()[k];
        !(self.escort() && t.volunteer && self.pros[r as usize * self.slots + s] == 0)
    }

    fn escort(&self) -> bool {
        self.inst.objective().volunteers_need_professional
    }

    fn g(&self, p: f64) -> f64 {
        self.inst.objective().presence_value(p)
    }

    /// Score change of relocating patrol team `k` from `a` to `b` in slot `s`.
    fn patrol_delta(&self, k: TeamIdx, a: u32, b: u32, s: Slot) -> f64 {
        let e = self.inst.teams()[k].effectiveness;
        let (ia, ib) = (a as usize * self.slots + s, b as usize * self.slots + s);
        let (pa, pb) = (self.presence[ia], self.presence[ib]);
        self.inst.weight(b as usize, s) * (self.g(pb + e) - self.g(pb))
            - self.inst.weight(a as usize, s) * (self.g(pa) - self.g(pa - e))
    }

    /// Step 3: repairs `min_patrol` and `volunteer_escort` breaches.
    fn repair(&mut self) -> Result<(), ReplanError> {
        let needs_check = !self.rules.unavailable.is_empty()
            || self.inst.regions().iter().any(|r| !r.min_patrol.is_empty());
        if !needs_check {
            return Ok(());
        }
        let mut left = Vec::new();
        for _ in 0..REPAIR_ROUNDS {
            left.clear();
            for r in 0..self.inst.regions().len() {
                for s in self.now..self.slots {
                    let i = r * self.slots + s;
                    for _ in self.patrols[i]..self.req[i] {
                        if !self.fill(r as u32, s, false) {
                            left.push((Rule::MinPatrol, r, s, usize::MAX));
                            break;
                        }
                    }
                }
            }
            if self.escort() {
                for k in 0..self.rows.len() {
                    if !self.inst.teams()[k].volunteer {
                        continue;
                    }
                    for s in self.now..self.slots {
                        if let Cell::At(r) = self.rows[k][s] {
                            if self.pros[r as usize * self.slots + s] == 0
                                && !self.fill(r, s, true)
                                && !self.drop_volunteer(k, s)
                            {
                                left.push((Rule::VolunteerEscort, r as usize, s, k));
                            }
                        }
                    }
                }
            }
            if left.is_empty() {
                return Ok(());
            }
        }
        Err(ReplanError::Infeasible(
            left.iter()
                .map(|&(rule, r, s, k)| Violation {
                    rule,
                    team: (k != usize::MAX).then(|| self.inst.teams()[k].id.clone()),
                    slot: Some(s),
                    location: Some(self.inst.regions()[r].id.clone()),
                    detail: "the re-planner found no change that meets it".into(),
                })
                .collect(),
        ))
    }

    /// One more patrol team (a professional when `pro`) in region `r` at slot `s`: a
    /// working team relocated, else a shift extended or added. Fewest changes first.
    fn fill(&mut self, r: u32, s: Slot, pro: bool) -> bool {
        let nt = self.inst.teams().len();
        let mut best: Option<(usize, f64, TeamIdx, Vec<Cell>)> = None;
        for k in 0..nt {
            let t = &self.inst.teams()[k];
            if t.kind != TeamKind::Patrol || (pro && t.volunteer) || self.is_fixed(k, s) {
                continue;
            }
            if self.inst.reach().locations(k).binary_search(&r).is_err() {
                continue;
            }
            if !t.volunteer || self.pros[r as usize * self.slots + s] > 0 {
                // fine
            } else {
                continue;
            }
            match self.rows[k][s] {
                Cell::At(l) if l != r => {
                    if !self.may_leave(k, l, s) || !self.hop_fits(k, s, r) {
                        continue;
                    }
                    let d = self.change_delta(k, s, Cell::At(r));
                    let cost = (d.max(0) as usize, -self.patrol_delta(k, l, r, s));
                    if best.as_ref().is_none_or(|b| (cost.0, cost.1) < (b.0, b.1)) {
                        let mut row = self.rows[k].clone();
                        row[s] = Cell::At(r);
                        best = Some((cost.0, cost.1, k, row));
                    }
                }
                Cell::Off if !t.volunteer => {
                    if let Some((n, row)) = self.new_work(k, r, s) {
                        if best.as_ref().is_none_or(|b| n < b.0) {
                            best = Some((n, 0.0, k, row));
                        }
                    }
                }
                _ => {}
            }
        }
        match best {
            Some((n, _, k, row)) if self.changes + n <= self.budget => {
                self.set_row(k, &row);
                true
            }
            _ => false,
        }
    }

    /// Idle team `k` working at `r` around slot `s`: an extension of a neighbouring
    /// shift or a new shift of the shortest allowed length. Returns the changes and the
    /// row.
    fn new_work(&self, k: TeamIdx, r: u32, s: Slot) -> Option<(usize, Vec<Cell>)> {
        let rules = self.inst.rules_of(k);
        let mut best: Option<(usize, Vec<Cell>)> = None;
        let len = rules.min_shift_slots.max(1);
        let lo = s.saturating_sub(len - 1).max(self.now);
        // The team's row as it is, and with one of its future shifts taken away (the
        // shift moves to `s`, which frees its work budget and rest).
        let mut bases: Vec<(usize, Vec<Cell>)> = vec![(0, self.rows[k].clone())];
        for (a, b) in runs(&self.rows[k]) {
            if a < self.now || (a..b).contains(&s) || (a..b).any(|x| self.is_fixed(k, x)) {
                continue;
            }
            let free = (a..b).all(|x| match self.rows[k][x] {
                Cell::At(l) => self.may_leave(k, l, x),
                _ => false,
            });
            if free {
                let mut row = self.rows[k].clone();
                row[a..b].fill(Cell::Off);
                bases.push((b - a, row));
            }
        }
        for (removed, base) in bases {
            // New shifts of the shortest length holding `s`, and extensions of the shift
            // before `s` (from its end) or after it (to its start).
            let mut spans: Vec<(usize, usize)> =
                (lo..=s).map(|a| (a, (a + len).min(self.slots))).collect();
            if let Some(e) = (self.now..s).rev().find(|&x| base[x] != Cell::Off) {
                spans.push((e + 1, s + 1));
            }
            if let Some(b) = (s + 1..self.slots).find(|&x| base[x] != Cell::Off) {
                spans.push((s, b));
            }
            for (a, b) in spans {
                if b <= s || a > s {
                    continue;
                }
                let mut row = base.clone();
                let mut n = removed;
                let mut ok = true;
                for (x, c) in row.iter_mut().enumerate().take(b).skip(a) {
                    if *c == Cell::Off {
                        if self.is_fixed(k, x) {
                            ok = false;
                            break;
                        }
                        *c = Cell::At(r);
                        n += 1;
                    }
                }
                if ok && self.row_ok(k, &row) && best.as_ref().is_none_or(|(m, _)| n < *m) {
                    best = Some((n, row));
                }
            }
        }
        best
    }

    /// Takes volunteer `k` out of the run holding slot `s`, from `now` on, when its row
    /// still keeps the shift rules.
    fn drop_volunteer(&mut self, k: TeamIdx, s: Slot) -> bool {
        let mut row = self.rows[k].clone();
        let (mut a, mut b) = (s, s + 1);
        while a > self.now && row[a - 1] != Cell::Off {
            a -= 1;
        }
        while b < self.slots && row[b] != Cell::Off {
            b += 1;
        }
        if (a..b).any(|x| self.is_fixed(k, x)) {
            return false;
        }
        row[a..b].fill(Cell::Off);
        let n: usize = (a..b)
            .map(|x| self.change_delta(k, x, Cell::Off).max(0) as usize)
            .sum();
        if !self.row_ok(k, &row) || self.changes + n > self.budget {
            return false;
        }
        self.set_row(k, &row);
        true
    }

    /// Step 4: per slot of each dispatch, the best relocations of the other mobile teams.
    fn move_up(&mut self) -> usize {
        let mut moved = 0;
        let dispatched: Vec<_> = self.rules.dispatched.clone();
        for d in dispatched {
            for s in d.from..d.to.min(self.slots) {
                for _ in 0..MOVE_UP_MOVES {
                    match self.best_mobile_move(s, None) {
                        Some((k, p)) => {
                            self.set(k, s, Cell::At(p));
                            moved += 1;
                        }
                        None => break,
                    }
                }
            }
        }
        moved
    }

    /// The relocation of a mobile team in slot `s` (only `only` when given) that raises
    /// cover most within the budget.
    fn best_mobile_move(&mut self, s: Slot, only: Option<TeamIdx>) -> Option<(TeamIdx, u32)> {
        let inst = self.inst;
        let placed = self.cover(s).placed();
        let mut best: Option<(f64, TeamIdx, u32)> = None;
        for (k, at) in placed {
            if only.is_some_and(|o| o != k) || self.is_fixed(k, s) {
                continue;
            }
            for &p in inst.reach().locations(k) {
                if p == at || !self.cover[s].as_ref().expect("built").has_room(p) {
                    continue;
                }
                if !self.hop_fits(k, s, p) {
                    continue;
                }
                let d = self.cover[s].as_ref().expect("built").delta_move(k, p);
                let eps = 1e-9 * (1.0 + d.abs());
                let dc = self.change_delta(k, s, Cell::At(p));
                let good = d > eps || (d >= -eps && dc < 0);
                if good
                    && (dc <= 0 || self.changes + (dc as usize) <= self.budget)
                    && best.is_none_or(|(bd, _, _)| d > bd)
                {
                    best = Some((d, k, p));
                }
            }
        }
        best.map(|(_, k, p)| (k, p))
    }

    /// Step 5: random relocations from `now` on until the deadline.
    fn improve(&mut self, deadline: Instant, seed: u64) {
        if self.now >= self.slots || Instant::now() >= deadline {
            return;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let nt = self.inst.teams().len();
        let mut iter = 0u64;
        loop {
            iter += 1;
            if iter % 64 == 0 && Instant::now() >= deadline {
                break;
            }
            let k = rng.random_range(0..nt);
            let s = rng.random_range(self.now..self.slots);
            let Cell::At(l) = self.rows[k][s] else {
                continue;
            };
            if self.is_fixed(k, s) {
                continue;
            }
            let reach = self.inst.reach().locations(k);
            if reach.is_empty() {
                continue;
            }
            // Half of the proposals go back to the previous plan's location.
            let to = match self.prev[k][s] {
                Cell::At(p) if p != l && rng.random_bool(0.5) => p,
                _ => reach[rng.random_range(0..reach.len())],
            };
            if to == l || reach.binary_search(&to).is_err() || !self.hop_fits(k, s, to) {
                continue;
            }
            let dc = self.change_delta(k, s, Cell::At(to));
            if dc > 0 && self.changes + 1 > self.budget {
                continue;
            }
            let d = match self.inst.teams()[k].kind {
                TeamKind::Patrol => {
                    if !self.may_leave(k, l, s) || !self.may_enter(k, to, s) {
                        continue;
                    }
                    self.patrol_delta(k, l, to, s)
                }
                TeamKind::Mobile => {
                    let cc = self.cover(s);
                    if !cc.has_room(to) {
                        continue;
                    }
                    cc.delta_move(k, to)
                }
            };
            let eps = 1e-9 * (1.0 + d.abs());
            if d > eps || (d >= -eps && dc < 0) {
                self.set(k, s, Cell::At(to));
            }
        }
    }
}

/// Maximal runs of working cells `[a, b)`.
fn runs(row: &[Cell]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    while s < row.len() {
        if row[s] == Cell::Off {
            s += 1;
            continue;
        }
        let a = s;
        while s < row.len() && row[s] != Cell::Off {
            s += 1;
        }
        out.push((a, s));
    }
    out
}
