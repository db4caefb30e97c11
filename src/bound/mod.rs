//! Proven upper bounds on the objective (MODEL.md section 6).
//!
//! Three bounds, each proven in `docs/bound.md`, the smallest valid one is returned:
//! - [`BoundMethod::ExactLp`]: the LP relaxation of the full MIP ([`exact_lp`]), solved
//!   by clarabel and certified by weak duality from its duals ([`lp_model::LpModel::certify`]);
//! - [`BoundMethod::Lagrangian`]: a Lagrangian relaxation that splits by team and slot
//!   ([`lagrangian`]), for province-scale instances;
//! - [`BoundMethod::Trivial`]: every region-slot at its best ([`trivial`]), the fallback.

pub mod backend;
pub mod components;
pub mod exact;
pub mod exact_lp;
pub mod groups;
#[cfg(feature = "highs")]
pub mod highs;
pub mod hint;
pub mod lagrangian;
pub mod lp_model;
pub mod mip;
pub mod shift_dp;
pub mod slot_split;
pub mod trivial;

use std::time::{Duration, Instant};

use crate::model::Instance;
use crate::schedule::Schedule;

/// Exact LP relaxation is used automatically up to this many assignment variables
/// (team × available slot × reachable location); beyond it the Lagrangian bound.
/// Neither clarabel (5 min) nor HiGHS (60 s) solves `small`'s (~40k assignments) exact
/// LP in time, and the Lagrangian is tighter there anyway.
pub const EXACT_LP_MAX_ASSIGNMENTS: usize = 4_000;

/// The exact path (`crate::bound::exact`) is used automatically up to this many table
/// entries over the whole instance (slots x team states); its multiplier search costs
/// about one pass over them per evaluation.
pub const EXACT_AUTO_MAX_ENTRIES: usize = 3_000_000;

/// Share of the budget the exact path gets in automatic mode. On every instance of
/// exact size measured (tiny preset, irregular tiny and small families) the exact
/// path's bound was below the large Lagrangian's, so it gets the whole budget; the
/// large Lagrangian runs only in what the exact path leaves (it stops early when every
/// component is proven or a work limit is reached).
pub const EXACT_AUTO_SHARE: f64 = 1.0;

/// In automatic mode the large Lagrangian runs after the exact path only when at least
/// this share of the budget is left.
pub const AUTO_LAGRANGIAN_MIN_SHARE: f64 = 0.1;

/// Lagrangian iterations tried after a successful exact LP in automatic mode.
pub const AUTO_EXTRA_LAGRANGIAN_ITERATIONS: usize = 200;

/// How to compute the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundMethod {
    /// LP relaxation of the full MIP (small instances).
    ExactLp,
    /// Lagrangian relaxation with subgradient steps (any size).
    Lagrangian,
    /// Each region-slot at its best (instant, weak).
    Trivial,
    /// Per component, the Lagrangian with each team's exact move machine and a branch
    /// and bound (`crate::bound::exact`); small components only.
    Exact,
}

impl BoundMethod {
    /// The name reported in `BoundResult::method`.
    pub fn name(self) -> &'static str {
        match self {
            BoundMethod::ExactLp => "exact_lp",
            BoundMethod::Lagrangian => "lagrangian",
            BoundMethod::Trivial => "trivial",
            BoundMethod::Exact => "exact",
        }
    }
}

/// Options of [`compute_bound`].
#[derive(Debug, Clone)]
pub struct BoundOptions {
    /// Wall-clock budget; the trivial bound is returned if nothing better fits in it.
    pub time_limit: Duration,
    /// Force a method; `None` chooses by size.
    pub method: Option<BoundMethod>,
}

impl Default for BoundOptions {
    fn default() -> Self {
        BoundOptions {
            time_limit: Duration::from_secs(60),
            method: None,
        }
    }
}

/// A relaxation's fractional solution, for the solver's construction.
#[derive(Debug, Clone, PartialEq)]
pub struct FractionalGuide {
    /// Number of slots (row length of the arrays below).
    pub slots: usize,
    /// Expected patrol presence `P[r,s]` at `r * slots + s`.
    pub presence: Vec<f64>,
    /// Expected mobile response cover in `[0, 1]` at `r * slots + s`.
    pub response: Vec<f64>,
    /// Marginal value of one more unit of presence at `r * slots + s` (dual price).
    pub presence_price: Vec<f64>,
}

/// A proven upper bound.
#[derive(Debug, Clone)]
pub struct BoundResult {
    /// Upper bound on the total objective of every feasible schedule.
    pub bound: f64,
    /// Which method produced it (`exact_lp`, `lagrangian` or `trivial`).
    pub method: String,
    /// Wall-clock time spent.
    pub elapsed_ms: u64,
    /// The relaxation's fractional solution, when the method has one.
    pub guide: Option<FractionalGuide>,
    /// Per independent component, how it was bounded (the exact path's components,
    /// or the Lagrangian's price blocks).
    pub components: Vec<ComponentBound>,
    /// The exact path proved this value optimal: `bound` is the optimum.
    pub proven_optimal: bool,
    /// The exact path's best schedule, when it ran and found one for every component.
    pub schedule: Option<Schedule>,
}

/// How one component of the instance was bounded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComponentBound {
    /// `patrol`, `mobile` or `mixed` (a Lagrangian block may hold both).
    pub side: &'static str,
    /// Teams in the component.
    pub teams: usize,
    /// `branch_and_bound` (proven optimum), `lagrangian_dp`, `lagrangian`, `exact_lp`
    /// or `trivial`.
    pub method: &'static str,
    /// The component's bound.
    pub bound: f64,
    /// The best value found for it, when known.
    pub value: Option<f64>,
}

/// Why no bound could be computed.
#[derive(Debug, thiserror::Error)]
pub enum BoundError {
    /// An LP or MIP backend failed (time limit, numerical trouble).
    #[error("LP solver failed: {0}")]
    Solver(String),
    /// The hard rules cannot all be kept.
    #[error("no feasible schedule exists (a hard requirement can never be met)")]
    Infeasible,
}

/// Computes a proven upper bound on the objective of every feasible schedule.
///
/// Never returns a value below a feasible schedule's score: every path ends in a
/// certified relaxation value, and the trivial bound is the fallback when the budget
/// runs out or a solver fails.
pub fn compute_bound(
    instance: &Instance,
    options: &BoundOptions,
) -> Result<BoundResult, BoundError> {
    compute_bound_with_hint(instance, options, None)
}

/// [`compute_bound`] with a schedule whose prices warm-start the Lagrangian search
/// (`None`: the baseline). The hint only decides where the search starts: the result
/// is a proven bound whatever the hint is (feasible or not), and with a good hint it
/// is tighter sooner (complementary slackness: a near-optimal plan suggests
/// near-optimal prices).
pub fn compute_bound_with_hint(
    instance: &Instance,
    options: &BoundOptions,
    hint: Option<&Schedule>,
) -> Result<BoundResult, BoundError> {
    bound_with(instance, options, hint, false)
}

/// Branch-and-bound nodes per component of the exact path in a work-limited run.
pub const WORK_LIMITED_NODES: u64 = 4_000_000;
/// Multiplier evaluations per multiplier search of the exact path in a work-limited
/// run (a component runs up to two).
pub const WORK_LIMITED_DUAL_ITERATIONS: usize = 1_500;

/// [`compute_bound_with_hint`] for a caller whose run is bounded by work, not time
/// (an iteration budget): the exact path then stops by node and multiplier-evaluation
/// counts ([`WORK_LIMITED_NODES`], [`WORK_LIMITED_DUAL_ITERATIONS`]) with the time
/// limit as a safety net, so whether it proves an optimum and which optimal schedule
/// it returns is the same on every machine, at any thread count and load.
pub fn compute_bound_work_limited(
    instance: &Instance,
    options: &BoundOptions,
    hint: Option<&Schedule>,
) -> Result<BoundResult, BoundError> {
    bound_with(instance, options, hint, true)
}

/// [`compute_bound_with_hint`] (or, with `work_limited`, [`compute_bound_work_limited`])
/// that also stops when `cancelled()` turns true: the large Lagrangian then ends within
/// one team group's pricing, the exact path of small instances within one multiplier
/// evaluation or 1,024 branch-and-bound nodes, and the best proven bound so far is
/// returned (the trivial bound at worst).
pub fn compute_bound_stoppable(
    instance: &Instance,
    options: &BoundOptions,
    hint: Option<&Schedule>,
    work_limited: bool,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<BoundResult, BoundError> {
    bound_with_stop(instance, options, hint, work_limited, cancelled)
}

fn bound_with(
    instance: &Instance,
    options: &BoundOptions,
    hint: Option<&Schedule>,
    work_limited: bool,
) -> Result<BoundResult, BoundError> {
    bound_with_stop(instance, options, hint, work_limited, &|| false)
}

fn bound_with_stop(
    instance: &Instance,
    options: &BoundOptions,
    hint: Option<&Schedule>,
    work_limited: bool,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<BoundResult, BoundError> {
    compute_bound_for_search(
        instance,
        options,
        hint,
        work_limited,
        cancelled,
        f64::INFINITY,
        None,
    )
}

/// [`compute_bound_stoppable`] for the solve pipeline, which has a search to give
/// time back to: the exact path leaves a component after its first, short round when
/// its relative gap is above `give_up_gap` (`bound::exact::ExactOptions::give_up_gap`),
/// its long branch and bound stops when its forecast says it will not finish in time
/// (`forecast`, timed runs only: `bound::exact::ExactOptions::forecast`), and the large
/// Lagrangian does not run after it.
pub fn compute_bound_for_search(
    instance: &Instance,
    options: &BoundOptions,
    hint: Option<&Schedule>,
    work_limited: bool,
    cancelled: &(dyn Fn() -> bool + Sync),
    give_up_gap: f64,
    forecast: Option<f64>,
) -> Result<BoundResult, BoundError> {
    let start = Instant::now();
    let deadline = start + options.time_limit;
    let groups = groups::team_groups(instance);
    let ceilings = trivial::ceilings(instance, &groups);
    let trivial = trivial::trivial_bound(instance, &ceilings);
    let method = options.method.unwrap_or_else(|| {
        if crate::bound::exact::instance_table_entries(instance) <= EXACT_AUTO_MAX_ENTRIES {
            BoundMethod::Exact
        } else if assignment_count(instance) <= EXACT_LP_MAX_ASSIGNMENTS {
            BoundMethod::ExactLp
        } else {
            BoundMethod::Lagrangian
        }
    });
    let mut best = BoundResult {
        bound: trivial,
        method: BoundMethod::Trivial.name().to_string(),
        elapsed_ms: 0,
        guide: None,
        components: Vec::new(),
        proven_optimal: false,
        schedule: None,
    };
    let consider = |best: &mut BoundResult, r: BoundResult| {
        if r.bound.is_finite() && r.bound <= best.bound {
            *best = r;
        }
    };
    let own;
    let hint = match hint {
        Some(h) => h,
        None => {
            own = crate::construct::baseline::baseline(instance);
            &own
        }
    };
    if method == BoundMethod::Exact {
        let out = crate::bound::exact::solve_exact_until(
            instance,
            Some(hint),
            &crate::bound::exact::ExactOptions {
                time_limit: if options.method.is_none() {
                    remaining(deadline).mul_f64(EXACT_AUTO_SHARE)
                } else {
                    remaining(deadline)
                },
                node_limit: if work_limited {
                    WORK_LIMITED_NODES
                } else {
                    u64::MAX
                },
                dual_iterations: if work_limited {
                    WORK_LIMITED_DUAL_ITERATIONS
                } else {
                    crate::bound::exact::ExactOptions::default().dual_iterations
                },
                clock_free: work_limited,
                give_up_gap,
                forecast: if work_limited { None } else { forecast },
                ..crate::bound::exact::ExactOptions::default()
            },
            cancelled,
        );
        if out.proven_optimal && out.schedule.is_none() {
            return Err(BoundError::Infeasible);
        }
        if let Some(b) = out.bound {
            let components = out
                .components
                .iter()
                .map(|c| ComponentBound {
                    side: c.side,
                    teams: c.teams,
                    method: c.method,
                    bound: c.bound.unwrap_or(f64::INFINITY),
                    value: c.value,
                })
                .collect();
            // A proven optimum is reported as the optimum itself (gap 0).
            let bound = if out.proven_optimal {
                out.objective.unwrap_or(b)
            } else {
                b
            };
            consider(
                &mut best,
                BoundResult {
                    bound,
                    method: BoundMethod::Exact.name().to_string(),
                    elapsed_ms: 0,
                    guide: None,
                    components,
                    proven_optimal: out.proven_optimal,
                    schedule: out.schedule,
                },
            );
        }
    }
    // After a successful exact LP (auto mode), a short Lagrangian run may still be
    // tighter: it keeps integral shift patterns, which the LP relaxes.
    let mut lagrangian_iterations = match method {
        BoundMethod::Lagrangian => usize::MAX,
        BoundMethod::Exact if options.method.is_none() => usize::MAX,
        _ => 0,
    };
    if method == BoundMethod::ExactLp {
        match exact_guarded(instance, deadline) {
            Ok((bound, guide)) => {
                consider(
                    &mut best,
                    BoundResult {
                        bound,
                        method: BoundMethod::ExactLp.name().to_string(),
                        elapsed_ms: 0,
                        guide: Some(guide),
                        components: Vec::new(),
                        proven_optimal: false,
                        schedule: None,
                    },
                );
                if options.method.is_none() {
                    lagrangian_iterations = AUTO_EXTRA_LAGRANGIAN_ITERATIONS;
                }
            }
            Err(BoundError::Infeasible) => return Err(BoundError::Infeasible),
            Err(_) => lagrangian_iterations = usize::MAX,
        }
    }
    if method == BoundMethod::Exact
        && options.method.is_none()
        && (give_up_gap.is_finite()
            || remaining(deadline) < options.time_limit.mul_f64(AUTO_LAGRANGIAN_MIN_SHARE))
    {
        lagrangian_iterations = 0;
    }
    if lagrangian_iterations > 0 && !best.proven_optimal && !cancelled() {
        let out = lagrangian::lagrangian_bound(
            instance,
            &groups,
            &ceilings,
            lagrangian::Until {
                deadline,
                cancelled,
            },
            lagrangian_iterations,
            Some(hint),
        );
        consider(
            &mut best,
            BoundResult {
                bound: out.bound,
                method: BoundMethod::Lagrangian.name().to_string(),
                elapsed_ms: 0,
                guide: Some(out.guide),
                components: out.components,
                proven_optimal: false,
                schedule: None,
            },
        );
    }
    best.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(best)
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// The exact LP bound, on a worker thread that the caller stops waiting for at the
/// deadline: clarabel's own time limit is checked between interior-point iterations,
/// and one iteration on a large LP can take seconds. The worker is given the same
/// limit, so an abandoned one ends soon after.
fn exact_guarded(inst: &Instance, deadline: Instant) -> Result<(f64, FractionalGuide), BoundError> {
    let left = remaining(deadline);
    if left.is_zero() {
        return Err(BoundError::Solver("no time left for the exact LP".into()));
    }
    let owned = std::sync::Arc::new(inst.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(exact(&owned, left));
    });
    rx.recv_timeout(left).unwrap_or_else(|_| {
        Err(BoundError::Solver(
            "exact LP stopped at the deadline".into(),
        ))
    })
}

/// Number of assignment variables of the exact model.
pub fn assignment_count(inst: &Instance) -> usize {
    (0..inst.teams().len())
        .map(|k| inst.teams()[k].available_slots() * inst.reach().locations(k).len())
        .sum()
}

/// The exact LP bound and its guide.
fn exact(inst: &Instance, time_limit: Duration) -> Result<(f64, FractionalGuide), BoundError> {
    let model = exact_lp::build_exact(inst);
    if !model.feasible {
        return Err(BoundError::Infeasible);
    }
    let sol = backend::solve_lp(&model.lp, backend::Backend::preferred(), time_limit)?;
    let bound = backend::lp_bound(&model.lp, &sol);
    let slots = inst.slots();
    let n = inst.regions().len() * slots;
    let mut presence = vec![0.0; n];
    for &(k, s, l, c) in &model.assign {
        let team = &inst.teams()[k as usize];
        if team.kind == crate::model::TeamKind::Patrol {
            presence[l as usize * slots + s as usize] += team.effectiveness * sol.x[c].max(0.0);
        }
    }
    let response = model
        .response_cols
        .iter()
        .map(|c| c.map_or(0.0, |c| sol.x[c].clamp(0.0, 1.0)))
        .collect();
    let presence_price = model
        .presence_rows
        .iter()
        .map(|row| match (row, &sol.duals) {
            (Some(i), Some(y)) => y[*i].max(0.0),
            _ => 0.0,
        })
        .collect();
    Ok((
        bound,
        FractionalGuide {
            slots,
            presence,
            response,
            presence_price,
        },
    ))
}
