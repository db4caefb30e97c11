//! The rules of a re-planned schedule (MODEL.md section 9): history and pins kept, the
//! change budget, `null` for a dispatched team and the shift cut by an `unavailable`
//! event. [`evaluate_replan`] is the referee of a re-plan: it checks every rule of
//! section 4 on the updated instance with the two exceptions, then these three rules.

use std::sync::Arc;

use super::evaluate::Evaluation;
use super::format::ScheduleInput;
use super::kpi::kpis;
use super::occupancy::Occupancy;
use super::plan::{Cell, Schedule};
use super::rules::check_all;
use super::score::{coverage, objective, ObjectiveParts};
use super::violation::{Rule, Violation};
use crate::model::{Instance, Slot, TeamIdx};

/// A half-open slot range of one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamRange {
    /// Team index.
    pub team: TeamIdx,
    /// First slot.
    pub from: Slot,
    /// End slot (exclusive).
    pub to: Slot,
}

impl TeamRange {
    /// Whether the range holds team `k`'s slot `s`.
    pub fn holds(&self, k: TeamIdx, s: Slot) -> bool {
        self.team == k && self.from <= s && s < self.to
    }

    /// Whether two ranges of the same team overlap.
    pub fn overlaps(&self, other: &TeamRange) -> bool {
        self.team == other.team && self.from < other.to && other.from < self.to
    }
}

/// What a re-plan is judged against: the previous schedule and the events' team ranges.
#[derive(Debug, Clone)]
pub struct ReplanRules {
    /// Slots before `now` are history.
    pub now: Slot,
    /// The schedule being re-planned (shared: a warm re-planner hands its plan over
    /// without a copy).
    pub previous: Arc<Schedule>,
    /// `dispatched` ranges: `null` there, and only there (besides history).
    pub dispatched: Vec<TeamRange>,
    /// `unavailable` ranges (their team-slots are not counted as changes).
    pub unavailable: Vec<TeamRange>,
    /// `pin` ranges: kept as in the previous schedule.
    pub pins: Vec<TeamRange>,
    /// The change budget in team-slots from `now` on (`None`: unlimited).
    pub max_changes: Option<usize>,
}

impl ReplanRules {
    /// Whether team `k` may be `null` in slot `s`: inside one of its dispatched ranges,
    /// or in history where the previous schedule had it `null` (an earlier dispatch).
    pub fn null_allowed(&self, k: TeamIdx, s: Slot) -> bool {
        self.dispatched.iter().any(|d| d.holds(k, s))
            || (s < self.now && self.previous.cell(k, s) == Cell::Null)
    }

    /// Whether a shift `start..end` of team `k` may be shorter than `min_shift_slots`:
    /// `end` is the `from` of an `unavailable` range of the team and the previous
    /// schedule had the team working at `end`; or the shift lies wholly in history and
    /// is a shift of the previous schedule as it was (cut by an earlier event: history
    /// cannot change, so a chain of re-plans stays possible).
    pub fn cut_allowed(&self, k: TeamIdx, start: Slot, end: Slot) -> bool {
        let cut_now = self
            .unavailable
            .iter()
            .any(|u| u.team == k && u.from == end)
            && self.previous.cell(k, end) != Cell::Off;
        let cut_before = end <= self.now
            && self
                .previous
                .team_shifts(k)
                .iter()
                .any(|x| x.start == start && x.end() == end);
        cut_now || cut_before
    }

    /// Whether team-slot `(k, s)` is changed by an event (its team's own `dispatched`
    /// or `unavailable` range), so that it does not count against the budget.
    pub fn event_slot(&self, k: TeamIdx, s: Slot) -> bool {
        self.dispatched.iter().any(|d| d.holds(k, s))
            || self.unavailable.iter().any(|u| u.holds(k, s))
    }
}

/// The team-slots from `now` on where `new` differs from the previous schedule, not
/// counting the events' own ranges: `(changes, changed teams in index order)`.
pub fn count_changes(
    instance: &Instance,
    rules: &ReplanRules,
    new: &Schedule,
) -> (usize, Vec<TeamIdx>) {
    let slots = instance.slots();
    let mut changes = 0;
    let mut teams = Vec::new();
    for k in 0..instance.teams().len() {
        let (a, b) = (rules.previous.row(k, slots), new.row(k, slots));
        let n = (rules.now..slots)
            .filter(|&s| a[s] != b[s] && !rules.event_slot(k, s))
            .count();
        if n > 0 {
            changes += n;
            teams.push(k);
        }
    }
    (changes, teams)
}

/// The objective of `schedule` over slots `from..` only (each part is a sum over
/// region-slots, so this is the plan's value from `from` on).
pub fn objective_from(instance: &Instance, schedule: &Schedule, from: Slot) -> ObjectiveParts {
    let mut clipped = Schedule::empty(instance);
    let slots = instance.slots();
    for k in 0..instance.teams().len().min(schedule.shifts.len()) {
        let mut row = schedule.row(k, slots);
        row[..from.min(slots)].fill(Cell::Off);
        clipped.set_row(k, &row);
    }
    let occ = Occupancy::new(instance, &clipped);
    let cov = coverage(instance, &occ);
    objective(instance, &occ, &cov)
}

/// Judges a re-planned schedule (read from a file, against the updated instance) by
/// section 9. The objective and KPIs are over the whole horizon.
pub fn evaluate_replan(
    updated: &Instance,
    input: &ScheduleInput,
    rules: &ReplanRules,
) -> Evaluation {
    evaluate_replan_parts(updated, &input.schedule, Some(input), rules)
}

/// [`evaluate_replan`] for an in-memory schedule.
pub fn evaluate_replan_schedule(
    updated: &Instance,
    schedule: &Schedule,
    rules: &ReplanRules,
) -> Evaluation {
    evaluate_replan_parts(updated, schedule, None, rules)
}

fn evaluate_replan_parts(
    updated: &Instance,
    schedule: &Schedule,
    input: Option<&ScheduleInput>,
    rules: &ReplanRules,
) -> Evaluation {
    let occ = Occupancy::new(updated, schedule);
    let mut violations = check_all(updated, schedule, &occ, input, Some(rules));
    replan_violations(updated, schedule, rules, &mut violations);
    violations.sort_by_key(|v| v.rule);
    let cov = coverage(updated, &occ);
    Evaluation {
        feasible: violations.is_empty(),
        violations,
        objective: objective(updated, &occ, &cov),
        kpis: kpis(updated, &occ, &cov),
    }
}

fn describe(instance: &Instance, k: TeamIdx, c: Cell) -> String {
    let kind = instance.teams()[k].kind;
    match c {
        Cell::Off => "off".into(),
        Cell::Null => "null (dispatched)".into(),
        Cell::At(l) if (l as usize) < instance.nodes(kind).len() => {
            instance.location_id(kind, l as usize).to_string()
        }
        Cell::At(_) => "an unknown location".into(),
    }
}

fn replan_violations(
    instance: &Instance,
    schedule: &Schedule,
    rules: &ReplanRules,
    out: &mut Vec<Violation>,
) {
    let slots = instance.slots();
    let now = rules.now.min(slots);
    for (k, team) in instance.teams().iter().enumerate() {
        let (old, new) = (rules.previous.row(k, slots), schedule.row(k, slots));
        let mut push = |rule: Rule, s: Slot, why: String| {
            out.push(Violation {
                rule,
                team: Some(team.id.clone()),
                slot: Some(s),
                location: match new[s] {
                    Cell::At(l) if (l as usize) < instance.nodes(team.kind).len() => {
                        Some(instance.location_id(team.kind, l as usize).to_string())
                    }
                    _ => None,
                },
                detail: why,
            })
        };
        for s in 0..now {
            if old[s] != new[s] {
                push(
                    Rule::History,
                    s,
                    format!(
                        "slot {s} is before now ({now}): was {}, is {}",
                        describe(instance, k, old[s]),
                        describe(instance, k, new[s])
                    ),
                );
            }
        }
        for pin in rules.pins.iter().filter(|p| p.team == k) {
            for s in pin.from..pin.to.min(slots) {
                if old[s] != new[s] {
                    push(
                        Rule::Pin,
                        s,
                        format!(
                            "pinned {}..{}: was {}, is {}",
                            pin.from,
                            pin.to,
                            describe(instance, k, old[s]),
                            describe(instance, k, new[s])
                        ),
                    );
                }
            }
        }
        for d in rules.dispatched.iter().filter(|d| d.team == k) {
            for (s, &c) in new.iter().enumerate().take(d.to.min(slots)).skip(d.from) {
                if c != Cell::Null {
                    push(
                        Rule::LocationKind,
                        s,
                        format!(
                            "dispatched {}..{}: must be null (on duty at the incident), is {}",
                            d.from,
                            d.to,
                            describe(instance, k, c)
                        ),
                    );
                }
            }
        }
    }
    if let Some(budget) = rules.max_changes {
        let (n, teams) = count_changes(instance, rules, schedule);
        if n > budget {
            out.push(Violation {
                rule: Rule::MaxChanges,
                team: None,
                slot: None,
                location: None,
                detail: format!(
                    "{n} team-slot(s) changed from slot {now} on, at most {budget} allowed ({} team(s) changed)",
                    teams.len()
                ),
            });
        }
    }
}
