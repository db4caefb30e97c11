//! The one library run behind `patrolplan solve` and `patrolplan replan`: for a solve,
//! hand-made baseline, upper bound within its share of the time, search, re-score by
//! the evaluator, summary ([`Pipeline`]); for a re-plan, the events applied, the
//! re-planning engine, the evaluator's section 9 verdict, the bound in its share of the
//! time ([`Replanner`]). The CLI only parses arguments, calls them and writes the
//! result, so a library user gets the same schedule, bound and gap.
//!
//! Both take one [`RunSettings`] (seed, threads, the stopping rules time, iterations,
//! no improvement and cancel, the bound's share): its default is the CLI's, and
//! [`RunSettings::stop_rule`] composes the stopping rules of `search::stop`.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::bound::{compute_bound_for_search, BoundError, BoundOptions};
use crate::construct::baseline;
use crate::model::Instance;
use crate::schedule::{evaluate, Kpis, ObjectiveParts, Schedule};
use crate::search::stop::{AnyOf, Cancelled, Deadline, IterationBudget, NoImprovement};
use crate::search::{CancelToken, Progress, SolveError, SolveStats, Solver};

mod replan;

pub use replan::{Replan, Replanner};

/// Default wall-clock limit when no iteration budget is given (the CLI's default).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);
/// On instances small enough for the exact path (`bound::EXACT_AUTO_MAX_ENTRIES`),
/// share of the time limit given to the first search, before the exact branch and
/// bound (the search finds the optimum of the tiny preset in well under a second; the
/// branch and bound then starts from its value).
pub const EXACT_SEARCH_FIRST_SHARE: f64 = 0.2;
/// On instances small enough for the exact path, most of the time limit the exact
/// stage (multipliers and branch and bound) may use; it ends early when it proves,
/// and what it leaves goes back to the search, warm-started from the best schedule.
pub const EXACT_STAGE_SHARE: f64 = 0.75;
/// In the exact stage of a solve, a component still this far from proven after the
/// exact path's first, short round (relative gap) is left there: the time goes back to
/// the search. The tiny preset's proven seeds are closer than this.
pub const EXACT_GIVE_UP_GAP: f64 = 0.05;
/// In the exact stage of a timed solve, each branch and bound of the exact path stops
/// when its forecast (`bound::exact::ExactOptions::forecast`: the share of the tree
/// done, extrapolated) needs more than this many times the nodes it has left: it will
/// not prove, and the search gets the time. Measured on the tiny preset: the seeds
/// that prove in 10 s are not stopped; the irregular small family's open ones stop
/// after a fifth of their time.
pub const EXACT_FORECAST_FACTOR: f64 = 3.0;

/// Default share of the time limit given to the bound before the search starts.
pub const DEFAULT_BOUND_SHARE: f64 = 0.2;

/// How many baseline evaluations' worth of time is kept back for the solver's own
/// evaluation of its plan at the end (see [`Pipeline::run`]).
const EVALUATION_MARGIN: f64 = 2.0;
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

/// Default seed of every run (the CLI's `--seed` default).
pub const DEFAULT_SEED: u64 = 0;
/// Default worker threads: 0, one per core (the CLI's `--threads` default).
pub const DEFAULT_THREADS: usize = 0;
/// Default wall-clock limit of a re-plan (the CLI's `replan --time-limit` default).
pub const DEFAULT_REPLAN_TIME_LIMIT: Duration = Duration::from_secs(1);

/// What every run shares (solve and re-plan): the seed, the threads, the stopping
/// rules (time, iterations, no improvement, cancel) and the bound's share of the time.
/// `RunSettings::default()` is the CLI's defaults; this is the one place they are set.
/// (`Solver::new` has engine defaults of its own, 1 thread and 10 s; the pipeline sets
/// every one of them from here, so they never apply to a pipeline run.)
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Seed of every random choice ([`DEFAULT_SEED`]).
    pub seed: u64,
    /// Worker threads, 0: one per core ([`DEFAULT_THREADS`]).
    pub threads: usize,
    /// Wall-clock limit of the whole run, bound included. `None`: the run's default
    /// ([`DEFAULT_TIME_LIMIT`] for a solve, [`DEFAULT_REPLAN_TIME_LIMIT`] for a re-plan)
    /// unless an iteration budget is given, then no limit.
    pub time_limit: Option<Duration>,
    /// Iteration budget (per portfolio member for a solve; proposals of the
    /// improvement for a re-plan). With the seed it makes the result reproducible.
    pub iterations: Option<u64>,
    /// Stop after this many iterations without a better schedule.
    pub no_improvement: Option<u64>,
    /// Share of the time limit given to the bound (`None`: no bound, no gap;
    /// [`DEFAULT_BOUND_SHARE`]).
    pub bound_share: Option<f64>,
    /// A cancel button: the run stops at its next check and returns its best schedule.
    pub cancel: CancelToken,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            seed: DEFAULT_SEED,
            threads: DEFAULT_THREADS,
            time_limit: None,
            iterations: None,
            no_improvement: None,
            bound_share: Some(DEFAULT_BOUND_SHARE),
            cancel: CancelToken::new(),
        }
    }
}

impl RunSettings {
    /// The time limit a run uses, given the run's default.
    pub fn effective_time_limit(&self, default: Duration) -> Option<Duration> {
        match (self.time_limit, self.iterations) {
            (Some(t), _) => Some(t),
            (None, Some(_)) => None,
            (None, None) => Some(default),
        }
    }

    /// Usage errors: a zero time limit, a bound share outside `[0, 1)`.
    pub fn check(&self) -> Result<(), String> {
        if self.time_limit.is_some_and(|t| t.is_zero()) {
            return Err("the time limit must be positive".into());
        }
        if let Some(share) = self.bound_share {
            if !(0.0..1.0).contains(&share) {
                return Err(format!("the bound share must be in [0, 1), got {share}"));
            }
        }
        Ok(())
    }

    /// The stopping rules as one rule: the deadline (when given), the iteration
    /// budget, no improvement and the cancel button, whichever comes first.
    pub fn stop_rule(&self, deadline: Option<Instant>) -> AnyOf {
        let mut rule = AnyOf::default().with(Cancelled(self.cancel.clone()));
        if let Some(d) = deadline {
            rule = rule.with(Deadline(d));
        }
        if let Some(n) = self.iterations {
            rule = rule.with(IterationBudget(n));
        }
        if let Some(n) = self.no_improvement {
            rule = rule.with(NoImprovement(n));
        }
        rule
    }
}

/// What the bound stage found.
#[derive(Debug, Clone, Default)]
pub struct BoundStage {
    /// A proven upper bound.
    pub bound: Option<f64>,
    /// The method that gave it.
    pub method: Option<String>,
    /// Why there is none, when the bound failed (the run goes on without a gap).
    pub warning: Option<String>,
    /// The exact path's optimal schedule, when it proved one.
    pub optimal: Option<Schedule>,
    /// The exact path's best schedule when it did not prove it optimal (a warm start).
    pub found: Option<Schedule>,
}

/// The bound stage of every run: a proven bound of `inst` within `budget` (the
/// schedule `hint`'s prices warm-start it). `Err` only when the bound proves that no
/// schedule keeps every hard rule.
pub fn bound_stage(
    inst: &Instance,
    budget: Duration,
    hint: Option<&Schedule>,
) -> Result<BoundStage, PipelineError> {
    bound_stage_with(inst, budget, hint, false)
}

/// [`bound_stage`]; `work_limited` (a run with an iteration budget and no time limit)
/// makes the exact path stop by work counts, so its proven schedule is the same at
/// any thread count and load (`bound::compute_bound_work_limited`).
pub fn bound_stage_with(
    inst: &Instance,
    budget: Duration,
    hint: Option<&Schedule>,
    work_limited: bool,
) -> Result<BoundStage, PipelineError> {
    bound_stage_until(inst, budget, hint, work_limited, &CancelToken::new())
}

/// [`bound_stage_with`] that also stops when `cancel` is pressed: the large
/// Lagrangian then ends within one team group's pricing and the bound found so far
/// (still proven) is returned.
pub fn bound_stage_until(
    inst: &Instance,
    budget: Duration,
    hint: Option<&Schedule>,
    work_limited: bool,
    cancel: &CancelToken,
) -> Result<BoundStage, PipelineError> {
    bound_stage_giving_up(inst, budget, hint, work_limited, cancel, f64::INFINITY)
}

/// [`bound_stage_until`] that leaves an exact-size component after the exact path's
/// first round when its relative gap is above `give_up_gap`
/// (`bound::compute_bound_for_search`).
fn bound_stage_giving_up(
    inst: &Instance,
    budget: Duration,
    hint: Option<&Schedule>,
    work_limited: bool,
    cancel: &CancelToken,
    give_up_gap: f64,
) -> Result<BoundStage, PipelineError> {
    let options = BoundOptions {
        time_limit: budget,
        ..BoundOptions::default()
    };
    let cancelled = || cancel.is_cancelled();
    let forecast = give_up_gap.is_finite().then_some(EXACT_FORECAST_FACTOR);
    let result = compute_bound_for_search(
        inst,
        &options,
        hint,
        work_limited,
        &cancelled,
        give_up_gap,
        forecast,
    );
    match result {
        Ok(b) => {
            let (optimal, found) = if b.proven_optimal {
                (b.schedule, None)
            } else {
                (None, b.schedule)
            };
            Ok(BoundStage {
                bound: Some(b.bound),
                method: Some(b.method),
                warning: None,
                optimal,
                found,
            })
        }
        Err(BoundError::Infeasible) => Err(PipelineError::Infeasible),
        Err(e) => Ok(BoundStage {
            warning: Some(format!("no bound ({e}); the gap is not reported")),
            ..BoundStage::default()
        }),
    }
}

/// Share of `patrolplan bound`'s time limit given to a search first on instances of
/// exact size ([`bound_with_search`]).
pub const BOUND_SEARCH_SHARE: f64 = 0.15;

/// What `patrolplan bound` runs: a proven upper bound within `time_limit`. On
/// instances of exact size (`bound::EXACT_AUTO_MAX_ENTRIES`, automatic method) a short
/// search first ([`BOUND_SEARCH_SHARE`] of the limit, seed 0, one thread per core)
/// gives the exact path a good incumbent and price hint (the baseline otherwise): a
/// near-optimal incumbent prunes the branch and bound and aims the multiplier search
/// (irregular small-4: its mobile component is proven at 177.04 from the search's plan,
/// not from the baseline's, 191.8). The bound is valid whatever the hint is.
/// `elapsed_ms` covers both.
pub fn bound_with_search(
    inst: &Instance,
    options: &BoundOptions,
    cancel: &CancelToken,
) -> Result<crate::bound::BoundResult, BoundError> {
    let start = Instant::now();
    let cancelled = || cancel.is_cancelled();
    let exact_size = options.method.is_none()
        && crate::bound::exact::instance_table_entries(inst)
            <= crate::bound::EXACT_AUTO_MAX_ENTRIES;
    let hint = if exact_size {
        Solver::new(inst)
            .seed(DEFAULT_SEED)
            .threads(DEFAULT_THREADS)
            .time_limit(Some(options.time_limit.mul_f64(BOUND_SEARCH_SHARE)))
            .cancel_token(cancel.clone())
            .full_assert_every(0)
            .solve()
            .ok()
            .map(|o| o.schedule)
    } else {
        None
    };
    let rest = BoundOptions {
        time_limit: options.time_limit.saturating_sub(start.elapsed()),
        ..options.clone()
    };
    let mut result =
        crate::bound::compute_bound_stoppable(inst, &rest, hint.as_ref(), false, &cancelled)?;
    result.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(result)
}

/// A configured run of the whole pipeline on one instance, with
/// [`RunSettings::default()`] (the CLI's defaults) unless told otherwise.
pub struct Pipeline<'a> {
    inst: &'a Instance,
    settings: RunSettings,
    warm: Option<&'a Schedule>,
    progress: Option<ProgressFn<'a>>,
    notice: Option<NoticeFn<'a>>,
}

impl<'a> Pipeline<'a> {
    /// A run with the CLI's defaults.
    pub fn new(inst: &'a Instance) -> Pipeline<'a> {
        Pipeline {
            inst,
            settings: RunSettings::default(),
            warm: None,
            progress: None,
            notice: None,
        }
    }

    /// Replaces every setting.
    pub fn settings(mut self, settings: RunSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Seed of every random choice (see [`RunSettings::seed`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.settings.seed = seed;
        self
    }

    /// Worker threads (see [`RunSettings::threads`]).
    pub fn threads(mut self, threads: usize) -> Self {
        self.settings.threads = threads;
        self
    }

    /// Wall-clock limit (see [`RunSettings::time_limit`]).
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        self.settings.time_limit = limit;
        self
    }

    /// Iteration budget (see [`RunSettings::iterations`]).
    pub fn iterations(mut self, n: Option<u64>) -> Self {
        self.settings.iterations = n;
        self
    }

    /// Stop after this many iterations without a better schedule.
    pub fn no_improvement(mut self, n: Option<u64>) -> Self {
        self.settings.no_improvement = n;
        self
    }

    /// Share of the time limit given to the bound (`None`: no bound, no gap).
    pub fn bound_share(mut self, share: Option<f64>) -> Self {
        self.settings.bound_share = share;
        self
    }

    /// Start the search from this schedule.
    pub fn warm_start(mut self, schedule: &'a Schedule) -> Self {
        self.warm = Some(schedule);
        self
    }

    /// A cancel button, passed to the search.
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.settings.cancel = token;
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
        self.settings.effective_time_limit(DEFAULT_TIME_LIMIT)
    }

    fn notice(&mut self, text: &str) {
        if let Some(f) = self.notice.as_mut() {
            f(text);
        }
    }

    /// Runs baseline, bound, search and the evaluator's re-score.
    pub fn run(mut self) -> Result<PipelineOutcome, PipelineError> {
        let time_limit = self.effective_time_limit();
        self.settings.check().map_err(PipelineError::Settings)?;
        let started = Instant::now();
        let mut timings = Timings::default();
        let base_schedule = baseline(self.inst);
        timings.baseline_ms = started.elapsed().as_millis() as u64;
        // The baseline is scored now, inside the limit; what one evaluation costs is kept
        // out of the search's share for the solver's own re-score of its schedule (the
        // outcome carries that evaluation, so the pipeline does not score it again), so
        // that the run ends within its limit.
        // A plan costs more to score than the baseline (more teams at work, more cover to
        // count: on jiangsu-grid 3.5 s against about 1.5 s, which overran a 30 s limit by
        // 1-4 s), so twice the baseline's time is kept back.
        let t_eval = Instant::now();
        let base = evaluate(self.inst, &base_schedule);
        let evaluation = t_eval.elapsed().mul_f64(EVALUATION_MARGIN);

        if self.settings.bound_share.is_some()
            && crate::bound::exact::instance_table_entries(self.inst)
                <= crate::bound::EXACT_AUTO_MAX_ENTRIES
        {
            return self.run_exact_first(
                time_limit,
                started,
                timings,
                base_schedule,
                base,
                evaluation,
            );
        }
        let mut stage = BoundStage::default();
        if let Some(share) = self.settings.bound_share {
            // Part of the budget goes to the bound, first, so that the search keeps
            // every core afterwards.
            let budget = time_limit.map_or(UNTIMED_BOUND_BUDGET, |t| t.mul_f64(share));
            self.notice(&format!(
                "computing the upper bound (up to {:.1} s)...",
                budget.as_secs_f64()
            ));
            let t0 = Instant::now();
            // The baseline is the bound's price hint.
            stage = bound_stage_until(
                self.inst,
                budget,
                Some(&base_schedule),
                time_limit.is_none(),
                &self.settings.cancel,
            )?;
            timings.bound_ms = t0.elapsed().as_millis() as u64;
        }
        let BoundStage {
            bound,
            method: bound_method,
            warning: bound_warning,
            optimal: exact_schedule,
            found: _,
        } = stage;
        let mut bound = bound;
        if let Some(w) = bound_warning.clone() {
            self.notice(&w);
        }

        // Cancelled before the search (during the baseline or the bound): the best plan
        // known now is returned at once, the exact path's proven optimum or the baseline,
        // when the evaluator finds it feasible. (Without one the search runs and stops at
        // its first check: no feasible schedule, an honest error.)
        if self.settings.cancel.is_cancelled() {
            let known = match &exact_schedule {
                Some(opt) => Some((opt.clone(), evaluate(self.inst, opt))),
                None => base.feasible.then(|| (base_schedule.clone(), base.clone())),
            };
            if let Some((schedule, referee)) = known.filter(|(_, r)| r.feasible) {
                if exact_schedule.is_some() {
                    bound = Some(referee.objective.total);
                }
                let total = referee.objective.total;
                timings.solve_ms = started.elapsed().as_millis() as u64;
                return Ok(PipelineOutcome {
                    schedule,
                    gap: crate::search::solver::gap(bound, total),
                    proven_optimal: prove_optimal(total, bound),
                    objective: referee.objective,
                    kpis: referee.kpis,
                    bound,
                    bound_method,
                    bound_warning,
                    baseline: Scored {
                        objective: base.objective,
                        kpis: base.kpis,
                    },
                    stats: SolveStats::default(),
                    timings,
                });
            }
        }

        let search_limit = time_limit.map(|t| {
            t.saturating_sub(started.elapsed() + evaluation)
                .max(MIN_SEARCH_TIME)
        });
        // A proven optimum leaves the search nothing to find: it runs only briefly.
        let search_limit = match (&exact_schedule, search_limit) {
            (Some(_), Some(t)) => Some(t.min(MIN_SEARCH_TIME)),
            (_, t) => t,
        };
        let t0 = Instant::now();
        let warm = self.warm;
        // A search stopped before its construction was done (a limit too short for it,
        // or the machine too busy to reach it in time) has no schedule to give: the
        // feasible baseline, already scored, is then the answer, as for a search that
        // ends below it (below).
        let out = match self.search(search_limit, bound, warm) {
            Ok(out) => out,
            Err(_) if base.feasible => crate::search::SolveOutcome {
                schedule: base_schedule.clone(),
                objective: base.objective,
                kpis: base.kpis.clone(),
                bound,
                gap: crate::search::solver::gap(bound, base.objective.total),
                stats: SolveStats::default(),
            },
            Err(e) => return Err(e.into()),
        };
        timings.search_ms = t0.elapsed().as_millis() as u64;

        // The evaluator is the one referee of every number reported: the solver's
        // outcome carries its evaluation of the schedule (`Solver::solve` refuses a
        // schedule the evaluator finds infeasible or scores differently from the
        // search), so it is not scored a second time here (about 200 ms on jiangsu).
        let mut out = out;
        // The exact path (crate::bound::exact, run in the bound stage for small instances)
        // proved its schedule optimal: it replaces the search's when the evaluator
        // scores it feasible and at least as good.
        if let Some(opt) = exact_schedule {
            let r = evaluate(self.inst, &opt);
            if r.feasible && r.objective.total >= out.objective.total {
                out.schedule = opt;
                bound = Some(r.objective.total);
                out.objective = r.objective;
                out.kpis = r.kpis;
            } else {
                // The search matched the proven optimum up to rounding.
                bound = bound.map(|b| b.max(out.objective.total));
            }
        }
        // A search cut short by its limit can end below the hand-made plan (on jiangsu at
        // 5 s under load the construction stopped before it had placed the mobile teams:
        // 12,653 against the baseline's 15,413). The baseline, already scored by the
        // evaluator, is then the plan returned: solve never does worse than the hand.
        if base.feasible && base.objective.total > out.objective.total {
            out.schedule = base_schedule;
            out.objective = base.objective;
            out.kpis = base.kpis.clone();
        }
        let total = out.objective.total;
        let proven_optimal = prove_optimal(total, bound);
        timings.solve_ms = started.elapsed().as_millis() as u64;
        Ok(PipelineOutcome {
            schedule: out.schedule,
            objective: out.objective,
            kpis: out.kpis,
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

impl Pipeline<'_> {
    /// One search run of the pipeline: `limit` (`None`: the settings' iteration
    /// budget alone), the settings' seed, threads, budgets and cancel button, warm
    /// started from `warm`, reporting `bound`.
    fn search(
        &mut self,
        limit: Option<Duration>,
        bound: Option<f64>,
        warm: Option<&Schedule>,
    ) -> Result<crate::search::SolveOutcome, SolveError> {
        let mut progress = self.progress.take();
        let mut solver = Solver::new(self.inst)
            .seed(self.settings.seed)
            .threads(self.settings.threads)
            .time_limit(limit)
            .bound(bound)
            .cancel_token(self.settings.cancel.clone())
            .full_assert_every(0);
        if let Some(n) = self.settings.iterations {
            solver = solver.iterations(n);
        }
        if let Some(n) = self.settings.no_improvement {
            solver = solver.no_improvement(n);
        }
        if let Some(w) = warm {
            solver = solver.warm_start(w);
        }
        if let Some(f) = progress.as_mut() {
            solver = solver.on_progress(|p| f(p));
        }
        let out = solver.solve();
        self.progress = progress;
        out
    }

    /// The run on instances small enough for the exact path: a short search first,
    /// then the exact branch and bound with the search's best schedule as incumbent
    /// (it stops as soon as it proves), then, if it did not prove, the search again,
    /// warm-started from the best schedule, for the time left. With an iteration
    /// budget and no time limit, the exact stage stops by work counts
    /// (`bound::compute_bound_work_limited`) and the second search is skipped, so the
    /// schedule is the same at any thread count and load.
    fn run_exact_first(
        mut self,
        time_limit: Option<Duration>,
        started: Instant,
        mut timings: Timings,
        base_schedule: Schedule,
        base: crate::schedule::Evaluation,
        evaluation: Duration,
    ) -> Result<PipelineOutcome, PipelineError> {
        let left =
            |reserve: Duration| time_limit.map(|t| t.saturating_sub(started.elapsed() + reserve));
        let t0 = Instant::now();
        let first_limit =
            time_limit.map(|t| t.mul_f64(EXACT_SEARCH_FIRST_SHARE).max(MIN_SEARCH_TIME));
        let warm = self.warm;
        let first = self.search(first_limit, None, warm);
        timings.search_ms = t0.elapsed().as_millis() as u64;
        // The exact stage: the search's schedule is its incumbent and price hint (the
        // baseline when the search found none).
        let budget = match left(evaluation + MIN_SEARCH_TIME) {
            Some(t) => t.min(time_limit.unwrap_or(t).mul_f64(EXACT_STAGE_SHARE)),
            None => UNTIMED_BOUND_BUDGET,
        };
        let hint = first.as_ref().map_or(&base_schedule, |o| &o.schedule);
        self.notice(&format!(
            "proving with the exact branch and bound (up to {:.1} s)...",
            budget.as_secs_f64()
        ));
        let t1 = Instant::now();
        let stage = bound_stage_giving_up(
            self.inst,
            budget,
            Some(hint),
            time_limit.is_none(),
            &self.settings.cancel,
            EXACT_GIVE_UP_GAP,
        )?;
        timings.bound_ms = t1.elapsed().as_millis() as u64;
        if let Some(w) = stage.warning.clone() {
            self.notice(&w);
        }
        let BoundStage {
            mut bound,
            method: bound_method,
            warning: bound_warning,
            optimal,
            found,
        } = stage;
        // The best schedule so far, scored by the evaluator: the search's (its outcome
        // carries the evaluator's score), or the exact path's when better.
        let mut stats = SolveStats::default();
        let mut best: Option<(Schedule, ObjectiveParts, Kpis)> = None;
        let first_error = match first {
            Ok(out) => {
                stats = out.stats;
                best = Some((out.schedule, out.objective, out.kpis));
                None
            }
            Err(e) => Some(e),
        };
        let proven = optimal.is_some();
        for candidate in [optimal, found].into_iter().flatten() {
            let r = evaluate(self.inst, &candidate);
            if r.feasible && best.as_ref().is_none_or(|b| r.objective.total > b.1.total) {
                best = Some((candidate, r.objective, r.kpis));
            }
        }
        // Cancelled before the search found a schedule, or a search cut short below the
        // hand-made plan: the baseline, when feasible.
        if base.feasible
            && best
                .as_ref()
                .is_none_or(|b| base.objective.total > b.1.total)
        {
            best = Some((base_schedule.clone(), base.objective, base.kpis.clone()));
        }
        let Some((mut schedule, mut objective, mut kpis)) = best else {
            return Err(first_error.map_or(PipelineError::Infeasible, PipelineError::Solve));
        };
        if proven {
            // The proven optimum: the bound is the best total (the search may match
            // it up to rounding).
            bound = Some(objective.total);
        }
        // The time the exact stage left goes back to the search, from the best schedule.
        let second_limit = left(evaluation).filter(|t| *t >= MIN_SEARCH_TIME);
        if !proven && !self.settings.cancel.is_cancelled() {
            if let Some(limit) = second_limit {
                let t2 = Instant::now();
                let warm = schedule.clone();
                if let Ok(out) = self.search(Some(limit), bound, Some(&warm)) {
                    if out.objective.total > objective.total {
                        schedule = out.schedule;
                        objective = out.objective;
                        kpis = out.kpis;
                    }
                    stats.iterations += out.stats.iterations;
                    stats.moves_evaluated += out.stats.moves_evaluated;
                    stats.accepted += out.stats.accepted;
                    stats.elapsed_ms += out.stats.elapsed_ms;
                    stats.epochs += out.stats.epochs;
                    stats.restarts += out.stats.restarts;
                    stats.threads = stats.threads.max(out.stats.threads);
                }
                timings.search_ms += t2.elapsed().as_millis() as u64;
            }
        }
        let total = objective.total;
        let bound = bound.map(|b| b.max(total));
        timings.solve_ms = started.elapsed().as_millis() as u64;
        Ok(PipelineOutcome {
            schedule,
            objective,
            kpis,
            bound,
            gap: crate::search::solver::gap(bound, total),
            proven_optimal: prove_optimal(total, bound),
            bound_method,
            bound_warning,
            baseline: Scored {
                objective: base.objective,
                kpis: base.kpis,
            },
            stats,
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

    /// A limit far too short for the construction (nanjing's takes hundreds of
    /// milliseconds; the search gets `MIN_SEARCH_TIME`) must still return a plan at
    /// least as good as the feasible baseline. On the old code the cut construction
    /// came back (below the baseline).
    #[test]
    fn a_search_cut_short_never_returns_less_than_the_baseline() {
        let inst = Instance::from_json(include_str!("../../data/nanjing.json")).expect("valid");
        let base = evaluate(&inst, &baseline(&inst));
        assert!(base.feasible);
        let out = Pipeline::new(&inst)
            .seed(1)
            .threads(1)
            .bound_share(None)
            .time_limit(Some(Duration::from_millis(1)))
            .run()
            .expect("nanjing has a feasible baseline");
        let referee = evaluate(&inst, &out.schedule);
        assert!(referee.feasible);
        assert_eq!(referee.objective.total, out.objective.total);
        assert!(out.objective.total >= base.objective.total);
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
