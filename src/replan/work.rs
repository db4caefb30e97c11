//! One re-plan on the warm plan: the events' own changes, the repair, the move-up and
//! the improvement. Every change goes through [`Work::set`], which keeps the counts,
//! the change count and a log of the cells' values before the call (the previous
//! plan), so that nothing is copied per call and a failed call is undone exactly.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::warm::WarmPlan;
use super::ReplanError;
use crate::model::{Instance, Slot, TeamIdx, TeamKind};
use crate::schedule::{Cell, ReplanRules, Rule, Violation};
use crate::search::stop::{Position, StopRule};
use crate::siting::CoverCounts;

/// Relocations per slot and team gone in the move-up after a dispatch.
pub const MOVE_UP_MOVES: usize = 3;
/// Repair rounds before giving up.
const REPAIR_ROUNDS: usize = 8;
/// Proposals between two questions to the stop rule (iteration budgets stop at a
/// multiple of it, so runs bounded by iterations are reproducible).
pub const STOP_CHECK_EVERY: u64 = 16;

/// Counters of the improvement.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImproveStats {
    /// Proposals made.
    pub iterations: u64,
    /// Relocations accepted.
    pub relocations: u64,
    /// Re-timings accepted (a shift extended, shortened or slid by one slot, or a new
    /// shift).
    pub retimes: u64,
}

pub(super) struct Work<'a> {
    inst: &'a Instance,
    rules: &'a ReplanRules,
    pub(super) plan: &'a mut WarmPlan,
    slots: usize,
    now: usize,
    /// The previous plan's cell of every cell changed in this call.
    pub(super) prev: BTreeMap<(TeamIdx, Slot), Cell>,
    /// Per team: ranges it may not change (pins and dispatches; history is `< now`).
    fixed: BTreeMap<TeamIdx, Vec<(Slot, Slot)>>,
    /// Per team: event ranges (not counted as changes).
    event_ranges: BTreeMap<TeamIdx, Vec<(Slot, Slot)>>,
    /// Cover counts of the slots this call looked at, kept up to date.
    pub(super) cover: Vec<Option<CoverCounts<'a>>>,
    pub(super) changes: usize,
    budget: usize,
}

impl<'a> Work<'a> {
    pub(super) fn new(inst: &'a Instance, rules: &'a ReplanRules, plan: &'a mut WarmPlan) -> Self {
        let slots = plan.slots;
        let mut fixed: BTreeMap<TeamIdx, Vec<(Slot, Slot)>> = BTreeMap::new();
        let mut event_ranges: BTreeMap<TeamIdx, Vec<(Slot, Slot)>> = BTreeMap::new();
        for r in rules.pins.iter().chain(&rules.dispatched) {
            fixed.entry(r.team).or_default().push((r.from, r.to));
        }
        for r in rules.dispatched.iter().chain(&rules.unavailable) {
            event_ranges.entry(r.team).or_default().push((r.from, r.to));
        }
        Work {
            inst,
            rules,
            slots,
            now: rules.now.min(slots),
            plan,
            prev: BTreeMap::new(),
            fixed,
            event_ranges,
            cover: (0..slots).map(|_| None).collect(),
            changes: 0,
            budget: rules.max_changes.unwrap_or(usize::MAX),
        }
    }

    fn rows(&self) -> &[Vec<Cell>] {
        &self.plan.rows
    }

    /// The previous plan's cell.
    fn prev_cell(&self, k: TeamIdx, s: Slot) -> Cell {
        self.prev
            .get(&(k, s))
            .copied()
            .unwrap_or(self.plan.rows[k][s])
    }

    fn is_fixed(&self, k: TeamIdx, s: Slot) -> bool {
        s < self.now
            || self
                .fixed
                .get(&k)
                .is_some_and(|v| v.iter().any(|&(a, b)| a <= s && s < b))
    }

    fn is_event_slot(&self, k: TeamIdx, s: Slot) -> bool {
        self.event_ranges
            .get(&k)
            .is_some_and(|v| v.iter().any(|&(a, b)| a <= s && s < b))
    }

    /// Change in the change count if `(k, s)` becomes `c`.
    fn change_delta(&self, k: TeamIdx, s: Slot, c: Cell) -> isize {
        if s < self.now || self.is_event_slot(k, s) {
            return 0;
        }
        let prev = self.prev_cell(k, s);
        let before = self.plan.rows[k][s] != prev;
        let after = c != prev;
        after as isize - before as isize
    }

    pub(super) fn cover(&mut self, s: Slot) -> &mut CoverCounts<'a> {
        if self.cover[s].is_none() {
            self.cover[s] = Some(self.plan.cover(self.inst, s));
        }
        self.cover[s].as_mut().expect("just built")
    }

    /// Sets one cell, keeping every count, the change count and the log.
    pub(super) fn set(&mut self, k: TeamIdx, s: Slot, c: Cell) {
        let old = self.plan.rows[k][s];
        if old == c {
            return;
        }
        self.changes = (self.changes as isize + self.change_delta(k, s, c)) as usize;
        self.prev.entry((k, s)).or_insert(old);
        if self.inst.teams()[k].kind == TeamKind::Mobile {
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
        self.plan.put(self.inst, k, s, c);
    }

    fn set_row(&mut self, k: TeamIdx, row: &[Cell]) {
        for (s, &c) in row.iter().enumerate() {
            self.set(k, s, c);
        }
    }

    /// Puts every changed cell back as it was (a failed call changes nothing).
    pub(super) fn undo(&mut self) {
        let log = std::mem::take(&mut self.prev);
        for ((k, s), c) in log {
            self.plan.put(self.inst, k, s, c);
        }
        self.changes = 0;
    }

    /// Step 1: the events' own changes.
    pub(super) fn event_effects(&mut self) {
        let slots = self.slots;
        for d in &self.rules.dispatched {
            for s in d.from..d.to.min(slots) {
                self.set(d.team, s, Cell::Null);
            }
        }
        // Stale nulls of earlier dispatches (not re-sent): the team is back on stand-by,
        // at its shift's post when it has room, else at the best post it may take.
        let mut touched: Vec<TeamIdx> = self.rules.unavailable.iter().map(|u| u.team).collect();
        for i in 0..self.plan.mobile.len() {
            let k = self.plan.mobile[i];
            for s in self.now..slots {
                if self.rows()[k][s] != Cell::Null || self.rules.null_allowed(k, s) {
                    continue;
                }
                touched.push(k);
                let row = &self.plan.rows[k];
                let own = (0..s)
                    .rev()
                    .take_while(|&x| row[x] != Cell::Off)
                    .chain((s + 1..slots).take_while(|&x| row[x] != Cell::Off))
                    .find_map(|x| match row[x] {
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
            if !self.row_ok(k, &self.plan.rows[k]) {
                let row = self.trimmed(k);
                self.set_row(k, &row);
            }
        }
    }

    /// Team `k`'s row with every run from `now` on that breaks a shift rule removed
    /// (runs that are fixed are kept).
    fn trimmed(&self, k: TeamIdx) -> Vec<Cell> {
        let mut row = self.plan.rows[k].clone();
        let rules = self.inst.rules_of(k);
        let mut s = self.now;
        // A run that started before now continues: start at its beginning.
        while s > 0 && row[s - 1] != Cell::Off && s < self.slots && row[s] != Cell::Off {
            s -= 1;
        }
        // The last run of the history that has ended: before `now`, or exactly at `now`
        // when the team is off there (a shift cut at `now` by an `unavailable` range is
        // history too, and the rest after it counts from its end; a run that goes on
        // past `now` is walked below from its start).
        let now = self.now.min(row.len());
        let mut last_end: Option<usize> = None;
        for (_, b) in runs(&row[..now]) {
            if b < now || row.get(now).is_none_or(|c| *c == Cell::Off) {
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
        let row = &self.plan.rows[k];
        let left = s == 0 || !matches!(row[s - 1], Cell::At(p) if !self.hop_ok(k, p, l));
        let right =
            s + 1 >= self.slots || !matches!(row[s + 1], Cell::At(p) if !self.hop_ok(k, l, p));
        left && right
    }

    /// Whether patrol team `k` may leave region `r` in slot `s` (requirement, escort).
    fn may_leave(&self, k: TeamIdx, r: u32, s: Slot) -> bool {
        let i = r as usize * self.slots + s;
        let t = &self.inst.teams()[k];
        if self.plan.patrols[i] <= self.plan.req[i] {
            return false;
        }
        !(self.escort() && !t.volunteer && self.plan.pros[i] == 1 && self.plan.vols[i] > 0)
    }

    /// Whether patrol team `k` may enter region `r` in slot `s` (escort).
    fn may_enter(&self, k: TeamIdx, r: u32, s: Slot) -> bool {
        let t = &self.inst.teams()[k];
        !(self.escort() && t.volunteer && self.plan.pros[r as usize * self.slots + s] == 0)
    }

    fn escort(&self) -> bool {
        self.inst.objective().volunteers_need_professional
    }

    fn g(&self, p: f64) -> f64 {
        self.inst.objective().presence_value(p)
    }

    /// Score change of adding patrol team `k` to region `r` in slot `s`.
    fn patrol_gain(&self, k: TeamIdx, r: u32, s: Slot) -> f64 {
        let e = self.inst.teams()[k].effectiveness;
        let p = self.plan.presence[r as usize * self.slots + s];
        self.inst.weight(r as usize, s) * (self.g(p + e) - self.g(p))
    }

    /// Score change of taking patrol team `k` out of region `r` in slot `s` (<= 0).
    fn patrol_loss(&self, k: TeamIdx, r: u32, s: Slot) -> f64 {
        let e = self.inst.teams()[k].effectiveness;
        let p = self.plan.presence[r as usize * self.slots + s];
        self.inst.weight(r as usize, s) * (self.g(p - e) - self.g(p))
    }

    /// Score change of relocating patrol team `k` from `a` to `b` in slot `s`.
    fn patrol_delta(&self, k: TeamIdx, a: u32, b: u32, s: Slot) -> f64 {
        self.patrol_gain(k, b, s) + self.patrol_loss(k, a, s)
    }

    /// Step 2: repairs `min_patrol` and `volunteer_escort` breaches.
    pub(super) fn repair(&mut self) -> Result<(), ReplanError> {
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
                    for _ in self.plan.patrols[i]..self.plan.req[i] {
                        if !self.fill(r as u32, s, false) {
                            left.push((Rule::MinPatrol, r, s, usize::MAX));
                            break;
                        }
                    }
                }
            }
            if self.escort() {
                for k in 0..self.plan.rows.len() {
                    if !self.inst.teams()[k].volunteer {
                        continue;
                    }
                    for s in self.now..self.slots {
                        if let Cell::At(r) = self.plan.rows[k][s] {
                            if self.plan.pros[r as usize * self.slots + s] == 0
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
            if t.volunteer && self.plan.pros[r as usize * self.slots + s] == 0 {
                continue;
            }
            match self.plan.rows[k][s] {
                Cell::At(l) if l != r => {
                    if !self.may_leave(k, l, s) {
                        continue;
                    }
                    if self.hop_fits(k, s, r) {
                        let d = self.change_delta(k, s, Cell::At(r));
                        let cost = (d.max(0) as usize, -self.patrol_delta(k, l, r, s));
                        if best.as_ref().is_none_or(|b| (cost.0, cost.1) < (b.0, b.1)) {
                            let mut row = self.plan.rows[k].clone();
                            row[s] = Cell::At(r);
                            best = Some((cost.0, cost.1, k, row));
                        }
                    } else if let Some((n, row)) = self.move_piece(k, r, s) {
                        // A hop too far for one slot: the shift's rest (or its start)
                        // moves there.
                        if best.as_ref().is_none_or(|b| n < b.0) {
                            best = Some((n, 0.0, k, row));
                        }
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

    /// Working patrol team `k` at region `r` from `s` to the end of its run, from the
    /// run's start to `s`, or for the whole run: the cheapest that keeps the row's
    /// rules and lets it leave every region it leaves. Returns the changes and the row.
    fn move_piece(&self, k: TeamIdx, r: u32, s: Slot) -> Option<(usize, Vec<Cell>)> {
        let row = &self.plan.rows[k];
        let (mut a, mut b) = (s, s + 1);
        while a > self.now && row[a - 1] != Cell::Off {
            a -= 1;
        }
        while b < self.slots && row[b] != Cell::Off {
            b += 1;
        }
        let mut best: Option<(usize, Vec<Cell>)> = None;
        for (x, y) in [(s, b), (a, s + 1), (a, b)] {
            let ok = (x..y).all(|t| {
                !self.is_fixed(k, t)
                    && match row[t] {
                        Cell::At(l) => l == r || self.may_leave(k, l, t),
                        _ => false,
                    }
            });
            if !ok {
                continue;
            }
            let mut new = row.clone();
            new[x..y].fill(Cell::At(r));
            let n = (x..y)
                .map(|t| self.change_delta(k, t, Cell::At(r)).max(0) as usize)
                .sum();
            if self.row_ok(k, &new) && best.as_ref().is_none_or(|(m, _)| n < *m) {
                best = Some((n, new));
            }
        }
        best
    }

    /// Idle team `k` working at `r` around slot `s`: an extension of a neighbouring
    /// shift or a new shift of the shortest allowed length. Returns the changes and the
    /// row.
    fn new_work(&self, k: TeamIdx, r: u32, s: Slot) -> Option<(usize, Vec<Cell>)> {
        let rules = self.inst.rules_of(k);
        let mut best: Option<(usize, Vec<Cell>)> = None;
        let len = rules.min_shift_slots.max(1);
        let lo = s.saturating_sub(len - 1).max(self.now);
        let cur = &self.plan.rows[k];
        // The team's row as it is, and with one of its future shifts taken away (the
        // shift moves to `s`, which frees its work budget and rest).
        let mut bases: Vec<(usize, Vec<Cell>)> = vec![(0, cur.clone())];
        for (a, b) in runs(cur) {
            if a < self.now || (a..b).contains(&s) || (a..b).any(|x| self.is_fixed(k, x)) {
                continue;
            }
            let free = (a..b).all(|x| match cur[x] {
                Cell::At(l) => self.may_leave(k, l, x),
                _ => false,
            });
            if free {
                let mut row = cur.clone();
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
        let mut row = self.plan.rows[k].clone();
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

    /// Step 3: per slot of each dispatch (and of each drop-out of a mobile team that
    /// was working), the best relocations of the other mobile teams.
    pub(super) fn move_up(&mut self) -> usize {
        let mut moved = 0;
        let rules = self.rules;
        let mut gaps: Vec<Slot> = Vec::new();
        for d in &rules.dispatched {
            gaps.extend(d.from..d.to.min(self.slots));
        }
        for u in &rules.unavailable {
            if self.inst.teams()[u.team].kind == TeamKind::Mobile {
                gaps.extend(
                    (u.from..u.to.min(self.slots))
                        .filter(|&s| matches!(self.prev_cell(u.team, s), Cell::At(_))),
                );
            }
        }
        // A slot with two teams gone gets the moves twice.
        gaps.sort_unstable();
        for s in gaps {
            for _ in 0..MOVE_UP_MOVES {
                match self.best_mobile_move(s) {
                    Some((k, p)) => {
                        self.set(k, s, Cell::At(p));
                        moved += 1;
                    }
                    None => break,
                }
            }
        }
        moved
    }

    /// The relocation of a mobile team in slot `s` that raises cover most within the
    /// budget.
    fn best_mobile_move(&mut self, s: Slot) -> Option<(TeamIdx, u32)> {
        let inst = self.inst;
        self.cover(s);
        let cc = self.cover[s].as_ref().expect("built");
        let mut best: Option<(f64, TeamIdx, u32)> = None;
        for &k in &self.plan.mobile {
            let Some(at) = cc.post_of(k) else { continue };
            if self.is_fixed(k, s) {
                continue;
            }
            for &p in inst.reach().locations(k) {
                if p == at || !cc.has_room(p) || !self.hop_fits(k, s, p) {
                    continue;
                }
                let d = cc.delta_move(k, p);
                if best.is_some_and(|(bd, _, _)| d <= bd) {
                    continue;
                }
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

    /// Score change of setting `(k, s)` to `c` (counts as they are; `None` when a
    /// coupled rule forbids it: requirement, escort, post capacity).
    fn cell_delta(&mut self, k: TeamIdx, s: Slot, c: Cell) -> Option<f64> {
        let old = self.plan.rows[k][s];
        match self.inst.teams()[k].kind {
            TeamKind::Patrol => {
                let mut d = 0.0;
                if let Cell::At(r) = old {
                    if c != old && !self.may_leave(k, r, s) {
                        return None;
                    }
                    d += self.patrol_loss(k, r, s);
                }
                if let Cell::At(r) = c {
                    if !self.may_enter(k, r, s) {
                        return None;
                    }
                    d += self.patrol_gain(k, r, s);
                }
                Some(d)
            }
            TeamKind::Mobile => {
                let cc = self.cover(s);
                match c {
                    Cell::At(p) => {
                        if old != c && !cc.has_room(p) {
                            return None;
                        }
                        Some(cc.delta_move(k, p))
                    }
                    _ => Some(-cc.loss_remove(k)),
                }
            }
        }
    }

    /// Step 4: relocations and re-timings from `now` on until the stop rule says so.
    /// A proposal is taken when it raises the score, or keeps it and undoes a change
    /// (equal scores are broken toward fewer changes); never past the budget.
    pub(super) fn improve(&mut self, stop: &dyn StopRule, seed: u64) -> ImproveStats {
        let mut stats = ImproveStats::default();
        if self.now >= self.slots {
            return stats;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let nt = self.inst.teams().len();
        let mut at = Position::default();
        loop {
            if at.iterations % STOP_CHECK_EVERY == 0 && stop.stop(&at) {
                break;
            }
            at.iterations += 1;
            at.since_improvement += 1;
            stats.iterations += 1;
            let k = rng.random_range(0..nt);
            let s = rng.random_range(self.now..self.slots);
            if self.is_fixed(k, s) || self.inst.reach().locations(k).is_empty() {
                continue;
            }
            let proposal = match self.plan.rows[k][s] {
                Cell::At(l) if rng.random_bool(0.7) => self.relocation(k, s, l, &mut rng),
                Cell::At(_) => self.retime_at_end(k, s, &mut rng),
                Cell::Off if rng.random_bool(0.8) => self.extension(k, s),
                Cell::Off => self.new_shift(k, s, &mut rng),
                Cell::Null => None,
            };
            let Some(cells) = proposal else { continue };
            if cells.iter().any(|&(x, _)| self.is_fixed(k, x)) {
                continue;
            }
            let dc: isize = cells.iter().map(|&(x, c)| self.change_delta(k, x, c)).sum();
            if dc > 0 && self.changes + dc as usize > self.budget {
                continue;
            }
            let mut d = 0.0;
            let mut allowed = true;
            for &(x, c) in &cells {
                match self.cell_delta(k, x, c) {
                    Some(v) => d += v,
                    None => {
                        allowed = false;
                        break;
                    }
                }
            }
            if !allowed {
                continue;
            }
            let eps = 1e-9 * (1.0 + d.abs());
            if d > eps || (d >= -eps && dc < 0) {
                let relocation = cells.len() == 1
                    && matches!(self.plan.rows[k][s], Cell::At(_))
                    && matches!(cells[0].1, Cell::At(_));
                if relocation {
                    stats.relocations += 1;
                } else {
                    stats.retimes += 1;
                }
                for (x, c) in cells {
                    self.set(k, x, c);
                }
                if d > eps {
                    at.since_improvement = 0;
                }
            }
        }
        stats
    }

    /// Team `k` (at `l` in `s`) relocated: half of the proposals go back to the
    /// previous plan's location.
    fn relocation(
        &self,
        k: TeamIdx,
        s: Slot,
        l: u32,
        rng: &mut ChaCha8Rng,
    ) -> Option<Vec<(Slot, Cell)>> {
        let reach = self.inst.reach().locations(k);
        let to = match self.prev_cell(k, s) {
            Cell::At(p) if p != l && rng.random_bool(0.5) => p,
            _ => reach[rng.random_range(0..reach.len())],
        };
        if to == l || reach.binary_search(&to).is_err() || !self.hop_fits(k, s, to) {
            return None;
        }
        Some(vec![(s, Cell::At(to))])
    }

    /// `s` is the first or last slot of a run of team `k`: the run shortened there, or
    /// slid by one slot (shortened there, lengthened at its other end), when the row
    /// keeps the shift rules.
    fn retime_at_end(
        &self,
        k: TeamIdx,
        s: Slot,
        rng: &mut ChaCha8Rng,
    ) -> Option<Vec<(Slot, Cell)>> {
        let row = &self.plan.rows[k];
        let (mut a, mut b) = (s, s + 1);
        while a > 0 && row[a - 1] != Cell::Off {
            a -= 1;
        }
        while b < self.slots && row[b] != Cell::Off {
            b += 1;
        }
        let mut cells = vec![(s, Cell::Off)];
        if rng.random_bool(0.5) {
            // Slide: the other end grows by one slot at the location next to it.
            if s == a && b < self.slots {
                cells.push((b, row[b - 1]));
            } else if s + 1 == b && a > 0 {
                cells.push((a - 1, row[a]));
            } else {
                return None;
            }
        } else if s != a && s + 1 != b {
            return None;
        }
        if cells.iter().any(|&(_, c)| c == Cell::Null) {
            return None;
        }
        let mut new = row.clone();
        for &(x, c) in &cells {
            new[x] = c;
        }
        self.row_ok(k, &new).then_some(cells)
    }

    /// A new shift of team `k` of the shortest allowed length from `s`, at one random
    /// location it may reach (a reserve called in, a team with work left), when the row
    /// keeps the shift rules.
    fn new_shift(&self, k: TeamIdx, s: Slot, rng: &mut ChaCha8Rng) -> Option<Vec<(Slot, Cell)>> {
        let len = self.inst.rules_of(k).min_shift_slots.max(1);
        let end = s + len;
        if end > self.slots {
            return None;
        }
        let row = &self.plan.rows[k];
        if row[s..end].iter().any(|&c| c != Cell::Off) {
            return None;
        }
        let reach = self.inst.reach().locations(k);
        let at = Cell::At(reach[rng.random_range(0..reach.len())]);
        let mut new = row.clone();
        new[s..end].fill(at);
        self.row_ok(k, &new)
            .then(|| (s..end).map(|x| (x, at)).collect())
    }

    /// `s` is off next to a run of team `k`: the run lengthened by `s`, at the
    /// location of its end slot next to `s`, when the row keeps the shift rules.
    fn extension(&self, k: TeamIdx, s: Slot) -> Option<Vec<(Slot, Cell)>> {
        let row = &self.plan.rows[k];
        let next = if s > 0 && matches!(row[s - 1], Cell::At(_)) {
            row[s - 1]
        } else if s + 1 < self.slots && matches!(row[s + 1], Cell::At(_)) {
            row[s + 1]
        } else {
            return None;
        };
        let mut new = row.clone();
        new[s] = next;
        self.row_ok(k, &new).then(|| vec![(s, next)])
    }
}

/// Maximal runs of working cells `[a, b)`.
pub(super) fn runs(row: &[Cell]) -> Vec<(usize, usize)> {
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
