//! HiGHS backend (cargo feature `highs`): needs `cmake` and `libclang` to build HiGHS
//! from source (~12 min). Not built by default.

use std::time::Duration;

use good_lp::variable::UnsolvedProblem;
use good_lp::{Constraint, Solution, SolutionWithDual, SolverModel, Variable};

use super::backend::LpSolution;
use super::BoundError;

/// Solves an LP with HiGHS and returns primal values and duals.
pub fn solve_lp(
    problem: UnsolvedProblem,
    constraints: Vec<Constraint>,
    cols: &[Variable],
    time_limit: Duration,
) -> Result<LpSolution, BoundError> {
    let mut p = problem
        .using(good_lp::highs)
        .set_time_limit(time_limit.as_secs_f64());
    let refs: Vec<_> = constraints
        .into_iter()
        .map(|c| p.add_constraint(c))
        .collect();
    let mut sol = p.solve().map_err(|e| BoundError::Solver(e.to_string()))?;
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
