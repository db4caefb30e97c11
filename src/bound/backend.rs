//! LP/MIP solving through good_lp. Every backend returns a primal point and, when it
//! can, row duals; the caller turns duals into a certified bound with
//! [`LpModel::certify`](super::lp_model::LpModel::certify).

use std::time::Duration;

use good_lp::{
    variable, Expression, ProblemVariables, Solution, SolutionWithDual, SolverModel, Variable,
};

use super::lp_model::{LpModel, Sense};
use super::BoundError;

/// Which solver to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Pure-Rust interior point; LP only; duals. The default (see `docs/bound.md`).
    Clarabel,
    /// Pure-Rust simplex; integers on tiny models; no duals.
    Microlp,
    /// HiGHS (cargo feature `highs`, needs cmake + libclang to build).
    #[cfg(feature = "highs")]
    Highs,
}

/// What a solve produced.
#[derive(Debug, Clone)]
pub struct LpSolution {
    /// Primal values, one per column.
    pub x: Vec<f64>,
    /// Row duals in shadow-price convention, when the backend provides them.
    pub duals: Option<Vec<f64>>,
}

fn build(model: &LpModel, integers: bool) -> (ProblemVariables, Vec<Variable>, Expression) {
    let mut vars = ProblemVariables::new();
    let cols: Vec<Variable> = (0..model.cols())
        .map(|j| {
            let def = variable().min(0.0).max(model.upper[j]);
            vars.add(if integers && model.integer[j] {
                def.integer()
            } else {
                def
            })
        })
        .collect();
    let mut objective = Expression::with_capacity(model.cols());
    for (j, &c) in model.obj.iter().enumerate() {
        if c != 0.0 {
            objective.add_mul(c, cols[j]);
        }
    }
    (vars, cols, objective)
}

fn row_constraints(model: &LpModel, cols: &[Variable]) -> Vec<good_lp::Constraint> {
    model
        .rows
        .iter()
        .map(|row| {
            let mut e = Expression::with_capacity(row.coefs.len());
            for &(j, a) in &row.coefs {
                e.add_mul(a, cols[j]);
            }
            match row.sense {
                Sense::Le => e.leq(row.rhs),
                Sense::Ge => e.geq(row.rhs),
            }
        })
        .collect()
}

fn failed(e: impl std::fmt::Display) -> BoundError {
    BoundError::Solver(e.to_string())
}

impl Backend {
    /// The LP backend used for bounds: HiGHS when compiled in, else clarabel (the only
    /// pure-Rust backend with duals, which certify the bound).
    pub fn preferred() -> Backend {
        #[cfg(feature = "highs")]
        return Backend::Highs;
        #[cfg(not(feature = "highs"))]
        Backend::Clarabel
    }
}

/// Solves the LP relaxation of `model` (integrality ignored). A backend that panics
/// (clarabel does on an empty model) is reported as a solver error, so the caller falls
/// back to another valid bound instead of aborting the command.
pub fn solve_lp(
    model: &LpModel,
    backend: Backend,
    time_limit: Duration,
) -> Result<LpSolution, BoundError> {
    if model.cols() == 0 {
        return Err(BoundError::Solver("the LP has no variables".into()));
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        solve_lp_unguarded(model, backend, time_limit)
    }))
    .unwrap_or_else(|_| Err(BoundError::Solver(format!("{backend:?} panicked"))))
}

fn solve_lp_unguarded(
    model: &LpModel,
    backend: Backend,
    time_limit: Duration,
) -> Result<LpSolution, BoundError> {
    let (vars, cols, objective) = build(model, false);
    let problem = vars.maximise(objective);
    let constraints = row_constraints(model, &cols);
    match backend {
        Backend::Clarabel => {
            let mut p = problem.using(good_lp::clarabel);
            p.settings().time_limit(time_limit.as_secs_f64());
            solve_with_duals(p, constraints, &cols)
        }
        Backend::Microlp => {
            let mut p = problem.using(good_lp::microlp);
            for c in constraints {
                p.add_constraint(c);
            }
            let sol = p.solve().map_err(failed)?;
            let x = cols.iter().map(|&v| sol.value(v)).collect();
            Ok(LpSolution { x, duals: None })
        }
        #[cfg(feature = "highs")]
        Backend::Highs => super::highs::solve_lp(problem, constraints, &cols, time_limit),
    }
}

/// Adds the rows, solves, and reads the primal point and the row duals: the same for
/// every backend that gives duals (clarabel, HiGHS).
pub(super) fn solve_with_duals<M>(
    mut p: M,
    constraints: Vec<good_lp::Constraint>,
    cols: &[Variable],
) -> Result<LpSolution, BoundError>
where
    M: SolverModel,
    M::Error: std::fmt::Display,
    M::Solution: for<'a> SolutionWithDual<'a>,
{
    let refs: Vec<_> = constraints
        .into_iter()
        .map(|c| p.add_constraint(c))
        .collect();
    let mut sol = p.solve().map_err(failed)?;
    let x = cols.iter().map(|&v| sol.value(v)).collect();
    let dual = sol.compute_dual();
    let duals = refs
        .iter()
        .map(|r| good_lp::DualValues::dual(&dual, r.clone()))
        .collect();
    Ok(LpSolution {
        x,
        duals: Some(duals),
    })
}

/// Solves `model` with its integer columns integral (microlp; tiny models only).
pub fn solve_mip(model: &LpModel) -> Result<Vec<f64>, BoundError> {
    let (vars, cols, objective) = build(model, true);
    let mut p = vars.maximise(objective).using(good_lp::microlp);
    for c in row_constraints(model, &cols) {
        p.add_constraint(c);
    }
    let sol = p.solve().map_err(failed)?;
    Ok(cols.iter().map(|&v| sol.value(v)).collect())
}

/// A proven upper bound on the LP optimum from a solve: the dual certificate when
/// duals exist, else the primal objective plus a relative margin of 1e-7 (a simplex
/// vertex's objective is the LP optimum up to rounding).
pub fn lp_bound(model: &LpModel, sol: &LpSolution) -> f64 {
    match &sol.duals {
        Some(y) => model.certify(y),
        None => {
            let v = model.objective(&sol.x);
            v + 1e-7 * v.abs() + 1e-9
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clarabel_duals_certify_tightly() {
        let mut m = LpModel::default();
        let x = m.add_col(1.0, 2.0, false);
        let y = m.add_col(1.0, 5.0, false);
        m.add_row(vec![(x, 1.0), (y, 2.0)], Sense::Le, 3.0);
        m.add_row(vec![(x, 1.0), (y, 1.0)], Sense::Ge, 1.0);
        let sol = solve_lp(&m, Backend::Clarabel, Duration::from_secs(10)).unwrap();
        let b = lp_bound(&m, &sol);
        assert!((2.5..2.5 + 1e-6).contains(&b), "{b}");
        let sol = solve_lp(&m, Backend::Microlp, Duration::from_secs(10)).unwrap();
        assert!((lp_bound(&m, &sol) - 2.5).abs() < 1e-6);
    }

    #[test]
    fn mip_respects_integrality() {
        // max x + y, 2x + 2y <= 3, x, y in {0, 1}: LP 1.5, MIP 1.
        let mut m = LpModel::default();
        let x = m.add_col(1.0, 1.0, true);
        let y = m.add_col(1.0, 1.0, true);
        m.add_row(vec![(x, 2.0), (y, 2.0)], Sense::Le, 3.0);
        let v = solve_mip(&m).unwrap();
        assert!((m.objective(&v) - 1.0).abs() < 1e-9);
    }
}
