//! The re-planning engine (MODEL.md section 9). [`WarmPlan`] keeps the plan and its
//! counts warm between calls; [`WarmPlan::replan`] re-plans from `now` after events:
//!
//! 1. the events' own changes: `null` in dispatched ranges, nothing in unavailable
//!    ranges (a remainder after the range that is too short or too close is dropped
//!    too), and stale `null`s of earlier dispatches filled with the team's post of the
//!    same shift;
//! 2. repairs what the events broke (`min_patrol`, `volunteer_escort`) with the fewest
//!    changes it finds: a working team relocated, a shift extended or a new shift;
//! 3. moves up the mobile teams around each dispatched team (per slot, the relocations
//!    that raise response + backup cover most, as `siting::move_up` does, keeping hop,
//!    reach and capacity);
//! 4. improves the plan from `now` on by relocations and re-timings (a shift's start or
//!    end moved by one slot, or the shift slid by one) until the stop rule says so,
//!    accepting a move only when it raises the score, or keeps it and undoes a change
//!    (equal scores are broken toward fewer changes), never past `max_changes`.
//!
//! History (slots before `now`), pins and dispatched ranges are never touched. Only
//! the changed cells' counts and the changed slots' objective are recomputed, so a
//! call costs what it changes. The library entry point with the bound, the evaluator's
//! verdict and the stopping rules is [`crate::pipeline::Replanner`].

mod warm;
mod work;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use warm::WarmPlan;
pub use work::{ImproveStats, MOVE_UP_MOVES, STOP_CHECK_EVERY};

use crate::events::EventsError;
use crate::model::{Instance, TeamIdx};
use crate::schedule::{ObjectiveParts, ReplanRules, Schedule, Violation};
use crate::search::stop::StopRule;
use work::Work;

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
    /// A setting is out of range (a usage error).
    #[error("{0}")]
    Settings(String),
    /// The evaluator disagrees with the re-planner's own counts (a bug: please report).
    #[error("internal error: {0}")]
    Internal(String),
}

/// What one [`WarmPlan::replan`] did.
#[derive(Debug, Clone)]
pub struct EngineOutcome {
    /// The re-planned schedule (also the warm plan's schedule now).
    pub schedule: Arc<Schedule>,
    /// Team-slots changed from `now` on (the events' own ranges not counted).
    pub changes: usize,
    /// The teams changed, in index order.
    pub changed_teams: Vec<TeamIdx>,
    /// The previous plan's objective on the updated instance, slots `>= now`.
    pub objective_before: ObjectiveParts,
    /// The re-plan's objective, slots `>= now`.
    pub objective_after: ObjectiveParts,
    /// The re-plan's objective over the whole horizon.
    pub objective_total: ObjectiveParts,
    /// Time from `started` to a feasible re-plan with the move-up (steps 1 to 3).
    pub first_feasible: Duration,
    /// Relocations made by the move-up.
    pub move_ups: usize,
    /// Counters of the improvement.
    pub improve: ImproveStats,
}

impl WarmPlan {
    /// Re-plans from `rules.now` on `updated` (the instance after the events;
    /// `instance_changed` when it differs from the one the plan was last scored on:
    /// requirements and the objective's weights are then recomputed). The
    /// improvement runs until `stop` says so. `check` judges the re-plan with its
    /// whole-horizon objective before it is kept (the evaluator's verdict). On success
    /// the re-plan becomes the warm plan; on error nothing changes.
    #[allow(clippy::too_many_arguments)]
    pub fn replan(
        &mut self,
        updated: &Instance,
        rules: &ReplanRules,
        instance_changed: bool,
        stop: &dyn StopRule,
        seed: u64,
        started: Instant,
        check: impl FnOnce(&Schedule, &ObjectiveParts) -> Result<(), ReplanError>,
        previous_feasible: impl FnOnce() -> bool,
    ) -> Result<EngineOutcome, ReplanError> {
        let now = rules.now.min(self.slots);
        let old_req =
            instance_changed.then(|| std::mem::replace(&mut self.req, warm::requirements(updated)));
        let before_values = if instance_changed {
            self.all_slot_values(updated)
        } else {
            self.slot_value.clone()
        };
        let mut w = Work::new(updated, rules, self);
        w.event_effects();
        let repaired = w.repair();
        let move_ups = if repaired.is_ok() { w.move_up() } else { 0 };
        let first_feasible = started.elapsed();
        let improve = if repaired.is_ok() {
            w.improve(stop, seed)
        } else {
            ImproveStats::default()
        };

        let mut slots_changed = BTreeSet::new();
        let mut teams_changed = BTreeSet::new();
        let mut rows_changed = BTreeSet::new();
        for (&(k, s), &old) in &w.prev {
            if w.plan.rows[k][s] == old {
                continue;
            }
            slots_changed.insert(s);
            rows_changed.insert(k);
            if s >= now && !rules.event_slot(k, s) {
                teams_changed.insert(k);
            }
        }
        let mut changes = w.changes;
        let mut values = before_values.clone();
        for &s in &slots_changed {
            values[s] = w.plan.slot_value(updated, s, w.cover[s].as_ref());
        }
        // The previous plan, where it is still a feasible re-plan, is never beaten from
        // `now` on: the repair can cost score only where the old plan breaks a rule.
        let (after, before) = (warm::sum(&values[now..]), warm::sum(&before_values[now..]));
        if repaired.is_ok()
            && after.total < before.total - 1e-9 * before.total.abs().max(1.0)
            && previous_feasible()
        {
            w.undo();
            values = before_values.clone();
            slots_changed.clear();
            rows_changed.clear();
            teams_changed.clear();
            changes = 0;
        }
        let mut schedule = (**w.plan.schedule()).clone();
        for &k in &rows_changed {
            schedule.set_row(k, &w.plan.rows[k]);
        }
        let verdict = repaired.and_then(|()| check(&schedule, &warm::sum(&values)));
        if let Err(e) = verdict {
            w.undo();
            drop(w);
            if let Some(req) = old_req {
                self.req = req;
            }
            return Err(e);
        }
        drop(w);
        let schedule = Arc::new(schedule);
        self.schedule = Arc::clone(&schedule);
        self.slot_value = values;
        Ok(EngineOutcome {
            schedule,
            changes,
            changed_teams: teams_changed.into_iter().collect(),
            objective_before: warm::sum(&before_values[now..]),
            objective_after: self.objective_from(now),
            objective_total: self.objective_from(0),
            first_feasible,
            move_ups,
            improve,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::parse_events;
    use crate::model::TeamKind;
    use crate::schedule::{count_changes, objective_from, Cell};
    use crate::search::stop::IterationBudget;
    use crate::Solver;

    fn tiny() -> (Instance, Schedule) {
        let inst = Instance::from_json(include_str!("../../data/tiny.json")).expect("valid");
        let plan = Solver::new(&inst)
            .seed(2)
            .iterations(2_000)
            .threads(1)
            .solve()
            .expect("tiny is feasible")
            .schedule;
        (inst, plan)
    }

    fn no_events(inst: &Instance, plan: &Schedule, now: usize) -> ReplanRules {
        let json = format!(
            r#"{{"format":"patrolplan.events.v1","instance":"{}","now":{now},"events":[]}}"#,
            inst.name()
        );
        parse_events(&json, inst, plan)
            .expect("valid")
            .rules(plan.clone())
    }

    /// Random cell changes through `Work::set`, then `undo`: counts, rows and the
    /// change count as before; and the per-slot objective of the changed plan agrees
    /// with the evaluator's.
    #[test]
    fn set_keeps_the_counts_and_undo_restores_them() {
        let (inst, plan) = tiny();
        let rules = no_events(&inst, &plan, 3);
        let mut warm = WarmPlan::new(&inst, plan.clone());
        let fresh = warm.clone();
        let total = objective_from(&inst, &plan, 0).total;
        assert!((warm.objective_from(0).total - total).abs() <= 1e-9 * total.max(1.0));
        let mut w = Work::new(&inst, &rules, &mut warm);
        let mut x = 12345u64;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        for _ in 0..300 {
            let k = next(inst.teams().len());
            let s = 3 + next(inst.slots() - 3);
            let locs = inst.reach().locations(k);
            let c = if locs.is_empty() || next(3) == 0 {
                Cell::Off
            } else {
                Cell::At(locs[next(locs.len())])
            };
            if inst.teams()[k].kind == TeamKind::Mobile {
                w.cover(s);
            }
            w.set(k, s, c);
        }
        // The changed plan scored per slot, against the evaluator.
        let mut changed = Schedule::empty(&inst);
        for k in 0..inst.teams().len() {
            changed.set_row(k, &w.plan.rows[k]);
        }
        let by_slot: f64 = (0..inst.slots())
            .map(|s| w.plan.slot_value(&inst, s, w.cover[s].as_ref()).total)
            .sum();
        let referee = objective_from(&inst, &changed, 0).total;
        assert!(
            (by_slot - referee).abs() <= 1e-9 * referee.max(1.0),
            "{by_slot} {referee}"
        );
        let rules2 = ReplanRules {
            previous: Arc::new(plan.clone()),
            ..rules.clone()
        };
        assert_eq!(w.changes, count_changes(&inst, &rules2, &changed).0);
        w.undo();
        drop(w);
        assert_eq!(warm.rows, fresh.rows);
        assert_eq!(warm.patrols, fresh.patrols);
        assert_eq!(warm.pros, fresh.pros);
        assert_eq!(warm.vols, fresh.vols);
        for (a, b) in warm.presence.iter().zip(&fresh.presence) {
            assert!((a - b).abs() <= 1e-9);
        }
    }

    /// With an iteration budget the improvement is reproducible, never lowers the
    /// objective from now on with no events, and its numbers are the evaluator's.
    #[test]
    fn the_improvement_is_reproducible_and_never_worse() {
        let (inst, plan) = tiny();
        let rules = no_events(&inst, &plan, 5);
        let run = || {
            let mut warm = WarmPlan::new(&inst, plan.clone());
            warm.replan(
                &inst,
                &rules,
                false,
                &IterationBudget(20_000),
                9,
                Instant::now(),
                |_, _| Ok(()),
                || false,
            )
            .expect("no events: feasible")
        };
        let (a, b) = (run(), run());
        assert_eq!(a.schedule, b.schedule);
        assert_eq!(a.improve.iterations, 20_000);
        assert!(a.objective_after.total >= a.objective_before.total - 1e-9);
        let after = objective_from(&inst, &a.schedule, 5).total;
        assert!((after - a.objective_after.total).abs() <= 1e-9 * after.max(1.0));
        assert_eq!(a.changes, count_changes(&inst, &rules, &a.schedule).0);
        let eval = crate::schedule::evaluate_replan_schedule(&inst, &a.schedule, &rules);
        assert!(eval.feasible, "{:?}", eval.violations.first());
    }
}
