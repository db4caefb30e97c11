//! The one library run behind `patrolplan solve` (and the re-planner's cold start):
//! hand-made baseline, upper bound within its share of the time, search, re-score by
//! the evaluator, summary. The CLI only parses arguments, calls [`Pipeline::run`] and
//! writes the result, so a library user gets the same schedule, bound and gap.
//!
//! Stopping rules (time, iterations, no improvement, cancel) are the [`Solver`]'s; the
//! pipeline passes them through its public builder.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::bound::{compute_bound_with_hint, BoundError, BoundOptions};
use crate::construct::baseline;
use crate::model::Instance;
use crate::schedule::{evaluate, Kpis, ObjectiveParts, Schedule};
use crate::search::{CancelToken, Progress, SolveError, SolveStats, Solver};

/// Default wall-clock limit when no iteration budget is given (the CLI's default).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Share of the time limit given to the bound stage when the exact path applies
/// (`bound::EXACT_AUTO_MAX_ENTRIES`).
pub const EXACT_BOUND_SHARE: f64 = 0.6;

/// Default share of the time limit given to the bound before the search starts.
pub const DEFAULT_BOUND_SHARE: f64 = 0.2;
/// Bound budget when the run has no time limit (bounded by iterations only).
pub const UNTIMED_BOUND_BUDGET: Duration = Duration::from_secs(10);
/// Least time left to the search after the bound.
pub const MIN_SEARCH_TIME: Duration = Duration::from_millis(100);

/// Relative tolerance under which a bound "equals" the total (section 8: `proven_optimal`).
pub const OPTIMALITY_TOLERANCE: f64 = 1e-9;

/// Why the pipeline returned no schedule.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A setting is out of range (a usage error).
    #[error("{0}")]
    Settings(String),
    /// The bound proved that no schedule keeps every hard rule.
    #[error("no feasible schedule exists: a hard requirement can never be met")]
    Infeasible,
    /// The search failed (no feasible schedule found, threads, internal).
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Score and KPIs of a schedule, as the evaluator gives them.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    /// Objective parts.
    pub objective: ObjectiveParts,
    /// KPIs.
    pub kpis: Kpis,
}

/// Wall-clock times of the pipeline's stages, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    /// Building the baseline.
    pub baseline_ms: u64,
    /// Computing the bound.
    pub bound_ms: u64,
    /// The search (construction included).
    pub search_ms: u64,
    /// The whole pipeline (solve time; loading and writing files are not in it).
    pub solve_ms: u64,
}

/// What [`Pipeline::run`] returns.
#[derive(Debug, Clone)]
pub struct PipelineOutcome {
    /// The best feasible schedule found.
    pub schedule: Schedule,
    /// Its objective, re-scored by the evaluator.
    pub objective: ObjectiveParts,
    /// Its KPIs, from the evaluator.
    pub kpis: Kpis,
    /// A proven upper bound, when computed.
    pub bound: Option<f64>,
    /// `(bound - total) / bound`, when a positive bound is known.
    pub gap: Option<f64>,
    /// True only when the bound equals the total (the schedule is proven optimal).
    pub proven_optimal: bool,
    /// Which method gave the bound.
    pub bound_method: Option<String>,
    /// Why no bound is reported, when the bound stage failed (the run goes on).
    pub bound_warning: Option<String>,
    /// The hand-made baseline, scored by the evaluator.
    pub baseline: Scored,
    /// The search's counters.
    pub stats: SolveStats,
    /// Stage times.
    pub timings: Timings,
}

type ProgressFn<'a> = Box<dyn FnMut(&Progress) + 'a>;
type NoticeFn<'a> = Box<dyn FnMut(&str) + 'a>;

/// A configured run of the whole pipeline on one instance. Defaults equal the CLI's:
/// seed 0, one thread per core, 60 s unless an iteration budget is given, 20 % of the
/// time for the bound.
pub struct Pipeline<'a> {
    inst: &'a Instance,
    seed: u64,
    threads: usize,
    time_limit: Option<Duration>,
    iterations: Option<u64>,
    no_improvement: Option<u64>,
    bound_share: Option<f64>,
    warm: Option<&'a Schedule>,
    cancel: CancelToken,
    progress: Option<ProgressFn<'a>>,
    notice: Option<NoticeFn<'a>>,
}

impl<'a> Pipeline<'a> {
    /// A run with the CLI's defaults.
    pub fn new(inst: &'a Instance) -> Pipeline<'a> {
        Pipeline {
            inst,
            seed: 0,
            threads: 0,
            time_limit: None,
            iterations: None,
            no_improvement: None,
            bound_share: Some(DEFAULT_BOUND_SHARE),
            warm: None,
            cancel: CancelToken::new(),
            progress: None,
            notice: None,
        }
    }

    /// Seed of every random choice (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Worker threads (default 0: one per core).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Wall-clock limit of the whole run, bound included (default: 60 s unless an
    /// iteration budget is given, then none).
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Iteration budget per portfolio member (with the seed, it makes the schedule
    /// reproducible whatever the thread count).
    pub fn iterations(mut self, n: Option<u64>) -> Self {
        self.iterations = n;
        self
    }

    /// Stop after this many iterations without a better schedule.
    pub fn no_improvement(mut self, n: Option<u64>) -> Self {
        self.no_improvement = n;
        self
    }

    /// Share of the time limit given to the bound (`None`: no bound, no gap).
    pub fn bound_share(mut self, share: Option<f64>) -> Self {
        self.bound_share = share;
        self
    }

    /// Start the search from this schedule.
    pub fn warm_start(mut self, schedule: &'a Schedule) -> Self {
        self.warm = Some(schedule);
        self
    }

    /// A cancel button, passed to the search.
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// Progress of the search.
    pub fn on_progress(mut self, f: impl FnMut(&Progress) + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Notices between stages ("computing the upper bound ...").
    pub fn on_notice(mut self, f: impl FnMut(&str) + 'a) -> Self {
        self.notice = Some(Box::new(f));
        self
    }

    /// The time limit the run will use.
    pub fn effective_time_limit(&self) -> Option<Duration> {
        match (self.time_limit, self.iterations) {
            (Some(t), _) => Some(t),
            (None, Some(_)) => None,
            (None, None) => Some(DEFAULT_TIME_LIMIT),
        }
    }

    fn notice(&mut self, text: &str) {
        if let Some(f) = self.notice.as_mut() {
            f(text);
        }
    }

    /// Runs baseline, bound, search and the evaluator's re-score.
    pub fn run(mut self) -> Result<PipelineOutcome, PipelineError> {
        let time_limit = self.effective_time_limit();
        if let Some(t) = self.time_limit {
            if t.is_zero() {
                return Err(PipelineError::Settings(
                    "the time limit must be positive".into(),
                ));
            }
        }
        if let Some(share) = self.bound_share {
            if !(0.0..1.0).contains(&share) {
                return Err(PipelineError::Settings(format!(
                    "the bound share must be in [0, 1), got {share}"
                )));
            }
        }
        let started = Instant::now();
        let mut timings = Timings::default();
        let base_schedule = baseline(self.inst);
        timings.baseline_ms = started.elapsed().as_millis() as u64;

        let mut bound = None;
        let mut bound_method = None;
        let mut bound_warning = None;
        // The exact path's optimal schedule, when the bound stage proved one.
        let mut exact_schedule = None;
        if let Some(share) = self.bound_share {
            // Part of the budget goes to the bound, first, so that the search keeps
            // every core afterwards.
            // Small instances: the bound stage is the exact path (crate::exact), which
            // can prove the optimum; it gets most of the time.
            let share = if crate::exact::instance_table_entries(self.inst)
                <= crate::bound::EXACT_AUTO_MAX_ENTRIES
            {
                share.max(EXACT_BOUND_SHARE)
            } else {
                share
            };
            let budget = time_limit.map_or(UNTIMED_BOUND_BUDGET, |t| t.mul_f64(share));
            self.notice(&format!(
                "computing the upper bound (up to {:.1} s)...",
                budget.as_secs_f64()
            ));
            let t0 = Instant::now();
            // The baseline is the bound's price hint.
            match compute_bound_with_hint(
                self.inst,
                &BoundOptions {
                    time_limit: budget,
                    ..BoundOptions::default()
                },
                Some(&base_schedule),
            ) {
                Ok(b) => {
                    bound = Some(b.bound);
                    bound_method = Some(b.method);
                    if b.proven_optimal {
                        exact_schedule = b.schedule;
                    }
                }
                Err(BoundError::Infeasible) => return Err(PipelineError::Infeasible),
                Err(e) => bound_warning = Some(format!("no bound ({e}); the gap is not reported")),
            }
            timings.bound_ms = t0.elapsed().as_millis() as u64;
        }
        if let Some(w) = bound_warning.clone() {
            self.notice(&w);
        }

        let search_limit =
            time_limit.map(|t| t.saturating_sub(started.elapsed()).max(MIN_SEARCH_TIME));
        // A proven optimum leaves the search nothing to find: it runs only briefly.
        let search_limit = match (&exact_schedule, search_limit) {
            (Some(_), Some(t)) => Some(t.min(MIN_SEARCH_TIME)),
            (_, t) => t,
        };
        let t0 = Instant::now();
        let mut solver = Solver::new(self.inst)
            .seed(self.seed)
            .threads(self.threads)
            .time_limit(search_limit)
            .bound(bound)
            .cancel_token(self.cancel.clone())
            .full_assert_every(0);
        if let Some(n) = self.iterations {
            solver = solver.iterations(n);
        }
        if let Some(n) = self.no_improvement {
            solver = solver.no_improvement(n);
        }
        if let Some(w) = self.warm {
            solver = solver.warm_start(w);
        }
        if let Some(mut f) = self.progress.take() {
            solver = solver.on_progress(move |p| f(p));
        }
        let out = solver.solve()?;
        timings.search_ms = t0.elapsed().as_millis() as u64;

        // The evaluator is the one referee of every number reported (the solver checks
        // it too; this is the pipeline's own re-score).
        let mut out = out;
        let mut referee = evaluate(self.inst, &out.schedule);
        // The exact path (crate::exact, run in the bound stage for small instances)
        // proved its schedule optimal: it replaces the search's when the evaluator
        // scores it feasible and at least as good.
        if let Some(opt) = exact_schedule {
            let r = evaluate(self.inst, &opt);
            if r.feasible && r.objective.total >= referee.objective.total {
                out.schedule = opt;
                bound = Some(r.objective.total);
                referee = r;
            } else {
                // The search matched the proven optimum up to rounding.
                bound = bound.map(|b| b.max(referee.objective.total));
            }
        }
        if !referee.feasible {
            return Err(PipelineError::Solve(SolveError::Internal(format!(
                "the evaluator finds {} breach(es) in the search's schedule",
                referee.violations.len()
            ))));
        }
        let base = evaluate(self.inst, &base_schedule);
        let total = referee.objective.total;
        let proven_optimal = prove_optimal(total, bound);
        timings.solve_ms = started.elapsed().as_millis() as u64;
        Ok(PipelineOutcome {
            schedule: out.schedule,
            objective: referee.objective,
            kpis: referee.kpis,
            bound,
            gap: crate::search::solver::gap(bound, total),
            proven_optimal,
            bound_method,
            bound_warning,
            baseline: Scored {
                objective: base.objective,
                kpis: base.kpis,
            },
            stats: out.stats,
            timings,
        })
    }
}

/// Whether the schedule is proven optimal: only when the proven bound equals its total
/// (within [`OPTIMALITY_TOLERANCE`]). This is the single place where an exact method
/// (branch and bound) plugs in: it would raise the total to the optimum and lower the
/// bound to it.
pub fn prove_optimal(total: f64, bound: Option<f64>) -> bool {
    bound.is_some_and(|b| (b - total).abs() <= OPTIMALITY_TOLERANCE * total.abs().max(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proven_optimal_only_when_the_bound_equals_the_total() {
        assert!(prove_optimal(10.0, Some(10.0)));
        assert!(!prove_optimal(10.0, Some(10.5)));
        assert!(!prove_optimal(10.0, None));
    }

    #[test]
    fn bad_settings_are_usage_errors() {
        let inst = Instance::from_json(include_str!("../../data/tiny.json")).expect("valid");
        let err = Pipeline::new(&inst)
            .bound_share(Some(1.5))
            .run()
            .unwrap_err();
        assert!(matches!(err, PipelineError::Settings(_)));
        let err = Pipeline::new(&inst)
            .time_limit(Some(Duration::ZERO))
            .run()
            .unwrap_err();
        assert!(matches!(err, PipelineError::Settings(_)));
    }

    #[test]
    fn the_outcome_is_rescored_by_the_evaluator() {
        let inst = Instance::from_json(include_str!("../../data/tiny.json")).expect("valid");
        let out = Pipeline::new(&inst)
            .seed(3)
            .threads(1)
            .iterations(Some(3_000))
            .time_limit(Some(Duration::from_secs(20)))
            .run()
            .expect("tiny is feasible");
        let referee = evaluate(&inst, &out.schedule);
        assert!(referee.feasible);
        assert_eq!(referee.objective.total, out.objective.total);
        let bound = out.bound.expect("tiny has a bound");
        assert!(bound >= out.objective.total - 1e-9);
        assert_eq!(
            out.proven_optimal,
            prove_optimal(out.objective.total, out.bound)
        );
    }
}
