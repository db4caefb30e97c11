//! Schedules: the in-memory plan, the schedule file format, the evaluator (the referee
//! of every number patrolplan prints) and the KPIs.

pub mod cover;
pub mod detail;
pub mod evaluate;
pub mod format;
pub mod kpi;
mod occupancy;
pub mod plan;
pub mod replan;
mod rules;
pub mod score;
pub mod violation;

pub use cover::cover_lists;
pub use detail::{evaluate_detailed, evaluate_input_detailed, Detail};
pub use evaluate::{evaluate, evaluate_input, Evaluation};
pub use format::{
    load_schedule_input, parse_schedule_file, read_schedule, read_schedule_input,
    resolve_schedule_file, schedule_file_json, to_schedule_file, write_schedule_file,
    ScheduleError, ScheduleFile, ScheduleInput, ScheduleProblem, ShiftEntry, TeamShifts,
    UnknownTeam, UnresolvedLocation, SCHEDULE_FORMAT,
};
pub use kpi::{ByKind, Kpis, Spread};
pub use plan::{Cell, Schedule, Shift};
pub use replan::{
    count_changes, evaluate_replan, evaluate_replan_schedule, objective_from, ReplanRules,
    TeamRange,
};
pub use score::ObjectiveParts;
pub use violation::{Rule, Violation};
