//! A small sparse LP representation (maximise, bounded columns) and its weak-duality
//! certificate: for ANY row multipliers of the right sign it returns a proven upper
//! bound on the LP optimum, whatever solver produced them and however inexactly.

/// Direction of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// `sum a_j x_j <= rhs`.
    Le,
    /// `sum a_j x_j >= rhs`.
    Ge,
}

/// One row `sum coefs <= / >= rhs`.
#[derive(Debug, Clone)]
pub struct Row {
    /// `(column, coefficient)` pairs; a column appears at most once.
    pub coefs: Vec<(usize, f64)>,
    /// Direction.
    pub sense: Sense,
    /// Right-hand side.
    pub rhs: f64,
}

/// `max obj·x` subject to the rows and `0 <= x_j <= upper_j` (every `upper_j` finite).
#[derive(Debug, Clone, Default)]
pub struct LpModel {
    /// Objective coefficient per column.
    pub obj: Vec<f64>,
    /// Upper bound per column (lower bounds are 0).
    pub upper: Vec<f64>,
    /// Whether the column is integer in the MIP (ignored by the LP relaxation).
    pub integer: Vec<bool>,
    /// Rows.
    pub rows: Vec<Row>,
}

impl LpModel {
    /// Adds a column and returns its index.
    pub fn add_col(&mut self, obj: f64, upper: f64, integer: bool) -> usize {
        debug_assert!(upper.is_finite() && upper >= 0.0);
        self.obj.push(obj);
        self.upper.push(upper);
        self.integer.push(integer);
        self.obj.len() - 1
    }

    /// Adds a row (terms on the same column are merged; empty rows that hold trivially
    /// are skipped). Returns `false` when a row with no terms can never hold.
    pub fn add_row(&mut self, mut coefs: Vec<(usize, f64)>, sense: Sense, rhs: f64) -> bool {
        coefs.sort_unstable_by_key(|c| c.0);
        coefs.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        coefs.retain(|c| c.1 != 0.0);
        if coefs.is_empty() {
            return match sense {
                Sense::Le => 0.0 <= rhs,
                Sense::Ge => 0.0 >= rhs,
            };
        }
        self.rows.push(Row { coefs, sense, rhs });
        true
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.obj.len()
    }

    /// Number of nonzero coefficients.
    pub fn nonzeros(&self) -> usize {
        self.rows.iter().map(|r| r.coefs.len()).sum()
    }

    /// Objective of a primal point.
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.obj.iter().zip(x).map(|(c, v)| c * v).sum()
    }

    /// Largest violation of a row or column bound by `x` (0 when feasible).
    pub fn max_violation(&self, x: &[f64]) -> f64 {
        let mut worst: f64 = 0.0;
        for (j, &v) in x.iter().enumerate() {
            worst = worst.max(-v).max(v - self.upper[j]);
        }
        for row in &self.rows {
            let lhs: f64 = row.coefs.iter().map(|&(j, a)| a * x[j]).sum();
            worst = worst.max(match row.sense {
                Sense::Le => lhs - row.rhs,
                Sense::Ge => row.rhs - lhs,
            });
        }
        worst
    }

    /// Weak-duality bound from row multipliers `y` (shadow-price convention: `>= 0` on
    /// `Le` rows, `<= 0` on `Ge` rows; wrong signs are clamped to 0, which keeps the
    /// certificate valid):
    /// `L(y) = b·y + sum_j upper_j * max(0, c_j - (Aᵀy)_j) >= c·x` for every feasible x,
    /// because `y_i (b_i - A_i x) >= 0` on each row and `(c - Aᵀy)_j x_j <= upper_j *
    /// max(0, c - Aᵀy)_j` on each column. A relative margin of 1e-9 of the summed
    /// magnitudes covers floating-point rounding in this sum.
    pub fn certify(&self, y: &[f64]) -> f64 {
        let mut reduced = self.obj.clone();
        let mut total = 0.0;
        let mut magnitude = 0.0;
        for (row, &yi) in self.rows.iter().zip(y) {
            let yi = match row.sense {
                Sense::Le => yi.max(0.0),
                Sense::Ge => yi.min(0.0),
            };
            if yi == 0.0 || !yi.is_finite() {
                continue;
            }
            total += yi * row.rhs;
            magnitude += (yi * row.rhs).abs();
            for &(j, a) in &row.coefs {
                reduced[j] -= a * yi;
                magnitude += (a * yi).abs();
            }
        }
        for (j, r) in reduced.iter().enumerate() {
            if *r > 0.0 {
                total += self.upper[j] * r;
                magnitude += self.upper[j] * r;
            }
            magnitude += self.obj[j].abs() * self.upper[j];
        }
        total + 1e-9 * magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> LpModel {
        // max x + y, x + 2y <= 3, x <= 2 (upper), y <= 5, x + y >= 1.
        let mut m = LpModel::default();
        let x = m.add_col(1.0, 2.0, false);
        let y = m.add_col(1.0, 5.0, false);
        m.add_row(vec![(x, 1.0), (y, 2.0)], Sense::Le, 3.0);
        m.add_row(vec![(x, 1.0), (y, 1.0)], Sense::Ge, 1.0);
        m
    }

    #[test]
    fn certificate_is_valid_for_any_multipliers() {
        let m = small();
        // Optimum is x=2, y=0.5, value 2.5.
        for y in [
            [0.0, 0.0],
            [0.5, 0.0],
            [1.0, -3.0],
            [-1.0, 2.0],
            [0.3, -0.1],
        ] {
            assert!(m.certify(&y) >= 2.5 - 1e-12, "{y:?}");
        }
        assert!((m.certify(&[0.5, 0.0]) - 2.5).abs() < 1e-6);
    }

    #[test]
    fn trivial_empty_rows() {
        let mut m = LpModel::default();
        assert!(m.add_row(vec![], Sense::Le, 0.0));
        assert!(!m.add_row(vec![], Sense::Ge, 1.0));
        let x = m.add_col(1.0, 1.0, false);
        assert!(m.add_row(vec![(x, 1.0), (x, -1.0)], Sense::Le, 0.0));
        assert!(m.rows.is_empty());
    }
}
