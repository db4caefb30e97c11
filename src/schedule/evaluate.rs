//! The evaluator: the one referee of every number patrolplan prints. It lists every
//! breach of every hard rule and computes the objective and the KPIs, also for
//! infeasible schedules (from the locations given).

use serde::Serialize;

use super::format::ScheduleInput;
use super::kpi::{kpis, Kpis};
use super::occupancy::Occupancy;
use super::plan::Schedule;
use super::rules::check_all;
use super::score::{coverage, objective, ObjectiveParts};
use super::violation::Violation;
use crate::model::Instance;

/// The verdict on a schedule: the object `evaluate --json` prints (MODEL.md section 8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// No hard rule is broken.
    pub feasible: bool,
    /// Every breach, grouped by rule in the contract's order.
    pub violations: Vec<Violation>,
    /// The objective and its parts.
    pub objective: ObjectiveParts,
    /// The KPIs.
    pub kpis: Kpis,
}

/// Evaluates an in-memory schedule of `instance`. Locations equal to
/// [`super::Shift::UNRESOLVED`] (or any index that is not a location of the team's
/// kind) and shifts of team indices beyond the instance are `location_kind` breaches.
pub fn evaluate(instance: &Instance, schedule: &Schedule) -> Evaluation {
    evaluate_parts(instance, schedule, None)
}

/// Evaluates a schedule read from a file, also reporting its unknown team ids and
/// naming unresolved locations by the ids written in the file.
pub fn evaluate_input(instance: &Instance, input: &ScheduleInput) -> Evaluation {
    evaluate_parts(instance, &input.schedule, Some(input))
}

fn evaluate_parts(
    instance: &Instance,
    schedule: &Schedule,
    input: Option<&ScheduleInput>,
) -> Evaluation {
    let occ = Occupancy::new(instance, schedule);
    let violations = check_all(instance, schedule, &occ, input, None);
    let cov = coverage(instance, &occ);
    Evaluation {
        feasible: violations.is_empty(),
        violations,
        objective: objective(instance, &occ, &cov),
        kpis: kpis(instance, &occ, &cov),
    }
}
