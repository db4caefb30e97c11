//! Small numeric helpers: rounding that keeps files small and stable, and
//! apportioning a total over weights.

/// Rounds to `digits` significant digits. Goes through Rust's exact decimal formatting,
/// so the result does not depend on the platform's math library.
pub fn sig(x: f64, digits: usize) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{:.*e}", digits.saturating_sub(1), x)
        .parse()
        .expect("formatted float parses")
}

/// Rounds a coordinate to 5 decimals (about 1 m).
pub fn coord(x: f64) -> f64 {
    format!("{x:.5}").parse().expect("formatted float parses")
}

/// Splits `total` into integers proportional to `weights` (largest remainder, ties to
/// the lower index), each at least `min` when `total` allows it.
pub fn apportion(total: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let floor_min = min.min(total / n);
    let rest = total - floor_min * n;
    let sum: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    let shares: Vec<f64> = weights
        .iter()
        .map(|w| {
            if sum > 0.0 {
                w.max(0.0) / sum * rest as f64
            } else {
                rest as f64 / n as f64
            }
        })
        .collect();
    let mut out: Vec<usize> = shares.iter().map(|s| s.floor() as usize).collect();
    let mut left = rest - out.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (shares[a] - shares[a].floor(), shares[b] - shares[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out.iter().map(|c| c + floor_min).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(sig(0.012_345_67, 4), 0.01235);
        assert_eq!(sig(52_345.0, 3), 52_300.0);
        assert_eq!(sig(0.0, 4), 0.0);
        assert_eq!(coord(118.123_456_7), 118.12346);
    }

    #[test]
    fn apportion_sums_and_respects_minimum() {
        let w = [5.0, 1.0, 1.0, 0.0];
        let a = apportion(20, &w, 2);
        assert_eq!(a.iter().sum::<usize>(), 20);
        assert!(a.iter().all(|&c| c >= 2));
        assert!(a[0] > a[1]);
        assert_eq!(apportion(7, &[1.0, 1.0], 0).iter().sum::<usize>(), 7);
        assert_eq!(apportion(0, &[1.0], 3), vec![0]);
    }
}
