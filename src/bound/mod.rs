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
pub mod exact_lp;
pub mod groups;
#[cfg(feature = "highs")]
pub mod highs;
pub mod hint;
pub mod lagrangian;
pub mod lp_model;
pub mod mip;
pub mod shift_dp;
pub mod trivial;

use std::time::{Duration, Instant};

use crate::model::Instance;
use crate::schedule::Schedule;

/// Exact LP relaxation is used automatically up to this many assignment variables
/// (team × available slot × reachable location); beyond it the Lagrangian bound.
/// Neither clarabel (5 min) nor HiGHS (60 s) solves `small`'s (~40k assignments) exact
/// LP in time, and the Lagrangian is tighter there anyway.
pub const EXACT_LP_MAX_ASSIGNMENTS: usize = 4_000;

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
}

impl BoundMethod {
    /// The name reported in `BoundResult::method`.
    pub fn name(self) -> &'static str {
        match self {
            BoundMethod::ExactLp => "exact_lp",
            BoundMethod::Lagrangian => "lagrangian",
            BoundMethod::Trivial => "trivial",
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
    let start = Instant::now();
    let deadline = start + options.time_limit;
    let groups = groups::team_groups(instance);
    let ceilings = trivial::ceilings(instance, &groups);
    let trivial = trivial::trivial_bound(instance, &ceilings);
    let method = options.method.unwrap_or_else(|| {
        if assignment_count(instance) <= EXACT_LP_MAX_ASSIGNMENTS {
            BoundMethod::ExactLp
        } else {
            BoundMethod::Lagrangian
        }
    });
    let mut best = (trivial, BoundMethod::Trivial, None);
    let mut consider = |bound: f64, m: BoundMethod, guide: Option<FractionalGuide>| {
        if bound.is_finite() && bound <= best.0 {
            best = (bound, m, guide);
        }
    };
    // After a successful exact LP (auto mode), a short Lagrangian run may still be
    // tighter: it keeps integral shift patterns, which the LP relaxes.
    let mut lagrangian_iterations = match method {
        BoundMethod::Lagrangian => usize::MAX,
        _ => 0,
    };
    if method == BoundMethod::ExactLp {
        match exact(instance, deadline.saturating_duration_since(Instant::now())) {
            Ok((bound, guide)) => {
                consider(bound, BoundMethod::ExactLp, Some(guide));
                if options.method.is_none() {
                    lagrangian_iterations = AUTO_EXTRA_LAGRANGIAN_ITERATIONS;
                }
            }
            Err(_) => lagrangian_iterations = usize::MAX,
        }
    }
    if lagrangian_iterations > 0 {
        let own;
        let hint = match hint {
            Some(h) => h,
            None => {
                own = crate::construct::baseline::baseline(instance);
                &own
            }
        };
        let out = lagrangian::lagrangian_bound(
            instance,
            &groups,
            &ceilings,
            deadline,
            lagrangian_iterations,
            Some(hint),
        );
        consider(out.bound, BoundMethod::Lagrangian, Some(out.guide));
    }
    Ok(BoundResult {
        bound: best.0,
        method: best.1.name().to_string(),
        elapsed_ms: start.elapsed().as_millis() as u64,
        guide: best.2,
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
