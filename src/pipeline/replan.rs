//! The re-plan run behind `patrolplan replan` and the library's warm [`Replanner`]:
//! the events applied (a new validated instance only when they change it), the
//! re-planning engine ([`crate::replan`]) stopped by the shared [`RunSettings`]
//! rules, the evaluator's section 9 verdict, then the bound in its share of the time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{bound_stage, RunSettings, DEFAULT_REPLAN_TIME_LIMIT};
use crate::events::{Event, Events};
use crate::model::Instance;
use crate::replan::{ImproveStats, ReplanError, WarmPlan};
use crate::schedule::{evaluate_replan_schedule, Cell, ObjectiveParts, Schedule};

/// What [`Replanner::apply`] returns.
#[derive(Debug, Clone)]
pub struct Replan {
    /// The re-planned schedule (feasible by section 9 when `verify` is on).
    pub schedule: Arc<Schedule>,
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
    /// Why no bound is reported, when the bound stage failed.
    pub bound_warning: Option<String>,
    /// Wall time of the whole call.
    pub elapsed: Duration,
    /// Wall time to a feasible re-plan with the move-up (before the improvement).
    pub first_feasible: Duration,
    /// Relocations made by the move-up.
    pub move_ups: usize,
    /// Counters of the improvement (proposals, relocations, re-timings).
    pub improve: ImproveStats,
}

/// Keeps the instance, the plan and its counts warm between re-plans.
#[derive(Clone)]
pub struct Replanner {
    instance: Arc<Instance>,
    plan: WarmPlan,
    settings: RunSettings,
    verify: bool,
    calls: u64,
}

impl Replanner {
    /// A re-planner of `schedule` (a plan of `instance`), with the CLI's settings
    /// ([`RunSettings::default()`]: 1 s, bound share 0.2) and the evaluator's verdict
    /// on every re-plan.
    pub fn new(instance: Instance, schedule: Schedule) -> Replanner {
        let plan = WarmPlan::new(&instance, schedule);
        Replanner {
            instance: Arc::new(instance),
            plan,
            settings: RunSettings::default(),
            verify: true,
            calls: 0,
        }
    }

    /// Replaces the settings.
    pub fn with_settings(mut self, settings: RunSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The settings.
    pub fn settings_mut(&mut self) -> &mut RunSettings {
        &mut self.settings
    }

    /// Whether the evaluator judges every re-plan by section 9 before it is returned
    /// (on by default; off only to time the re-planner alone).
    pub fn verify(mut self, on: bool) -> Self {
        self.verify = on;
        self
    }

    /// The current (updated) instance.
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// The current plan.
    pub fn schedule(&self) -> &Schedule {
        self.plan.schedule()
    }

    /// Applies validated events (see [`crate::events::parse_events`], against
    /// [`Replanner::instance`] and [`Replanner::schedule`]) and re-plans from `now`.
    /// On success the re-plan becomes the current plan and the updated instance the
    /// current instance; on error nothing changes.
    pub fn apply(&mut self, events: &Events) -> Result<Replan, ReplanError> {
        let t0 = Instant::now();
        self.settings.check().map_err(ReplanError::Settings)?;
        let changes_instance = events
            .events
            .iter()
            .any(|e| !matches!(e, Event::Dispatched(_) | Event::Pin(_)));
        let updated = if changes_instance {
            Arc::new(events.apply(&self.instance)?)
        } else {
            Arc::clone(&self.instance)
        };
        let rules = events.rules(Arc::clone(self.plan.schedule()));
        let limit = self
            .settings
            .effective_time_limit(DEFAULT_REPLAN_TIME_LIMIT);
        let share = self.settings.bound_share.unwrap_or(0.0);
        // The bound gets its share at the end; the engine stops before it.
        let stop = self
            .settings
            .stop_rule(limit.map(|t| t0 + t.mul_f64(1.0 - share)));
        let seed = self.settings.seed ^ self.calls.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let verify = self.verify;
        let out = self.plan.replan(
            &updated,
            &rules,
            changes_instance,
            &stop,
            seed,
            t0,
            |schedule, total| {
                if !verify {
                    return Ok(());
                }
                let ev = evaluate_replan_schedule(&updated, schedule, &rules);
                if !ev.feasible {
                    return Err(ReplanError::Infeasible(ev.violations));
                }
                // The engine's incremental objective, checked against the referee's.
                let tol = 1e-6 * ev.objective.total.abs().max(1.0);
                if (ev.objective.total - total.total).abs() > tol {
                    return Err(ReplanError::Internal(format!(
                        "the re-planner's objective {} differs from the evaluator's {}",
                        total.total, ev.objective.total
                    )));
                }
                Ok(())
            },
            || {
                // A dispatch, or a drop-out where the team works, makes the old plan
                // infeasible without asking the evaluator.
                let off = |u: &crate::schedule::TeamRange| {
                    (u.from..u.to).all(|s| rules.previous.cell(u.team, s) == Cell::Off)
                };
                rules.dispatched.is_empty()
                    && rules.unavailable.iter().all(off)
                    && evaluate_replan_schedule(&updated, &rules.previous, &rules).feasible
            },
        )?;
        let mut bound = None;
        let mut bound_warning = None;
        if let Some(share) = self.settings.bound_share {
            let budget = limit.map_or(super::UNTIMED_BOUND_BUDGET, |t| t.mul_f64(share));
            match bound_stage(&updated, budget, None) {
                Ok(b) => {
                    bound = b.bound;
                    bound_warning = b.warning;
                }
                Err(e) => bound_warning = Some(format!("no bound ({e})")),
            }
        }
        let gap = crate::search::solver::gap(bound, out.objective_total.total);
        self.instance = updated;
        self.calls += 1;
        Ok(Replan {
            changed_teams: out
                .changed_teams
                .iter()
                .map(|&k| self.instance.teams()[k].id.clone())
                .collect(),
            schedule: out.schedule,
            changes: out.changes,
            objective_before: out.objective_before,
            objective_after: out.objective_after,
            objective_total: out.objective_total,
            bound,
            gap,
            bound_warning,
            elapsed: t0.elapsed(),
            first_feasible: out.first_feasible,
            move_ups: out.move_ups,
            improve: out.improve,
        })
    }
}
