//! HiGHS backend (cargo feature `highs`): needs `cmake` and `libclang` to build HiGHS
//! from source (~12 min). Not built by default.

use std::time::Duration;

use good_lp::variable::UnsolvedProblem;
use good_lp::{Constraint, Variable};

use super::backend::LpSolution;
use super::BoundError;

/// Solves an LP with HiGHS and returns primal values and duals.
pub fn solve_lp(
    problem: UnsolvedProblem,
    constraints: Vec<Constraint>,
    cols: &[Variable],
    time_limit: Duration,
) -> Result<LpSolution, BoundError> {
    let p = problem
        .using(good_lp::highs)
        .set_time_limit(time_limit.as_secs_f64());
    super::backend::solve_with_duals(p, constraints, cols)
}
