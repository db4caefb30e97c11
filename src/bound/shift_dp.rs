//! Best work pattern of one team over the horizon for given per-slot values, keeping
//! the shift-shape rules exactly (shift length, rest, availability; the work limit is
//! priced in by the caller). Used by the Lagrangian bound, where each team's subproblem
//! must be maximised exactly for the bound to hold.

use crate::model::ShiftRules;

/// Dynamic program over states "idle for i slots since the last shift" (`i` capped at
/// `min_rest_slots`, which also stands for "never worked") and "in a shift of length
/// `len`".
pub struct ShiftDp {
    min: usize,
    max: usize,
    rest: usize,
    back: Vec<u16>,
}

impl ShiftDp {
    /// A DP for these rules.
    pub fn new(rules: &ShiftRules) -> ShiftDp {
        ShiftDp {
            min: rules.min_shift_slots.max(1),
            max: rules.max_shift_slots.max(1),
            rest: rules.min_rest_slots.max(1),
            back: Vec::new(),
        }
    }

    /// Maximum of `sum_{s worked} value[s]` over rule-keeping patterns (`NEG_INFINITY`
    /// marks a slot that cannot be worked). Writes the worked flags of a best pattern.
    pub fn solve(&mut self, value: &[f64], worked: &mut Vec<bool>) -> f64 {
        let (rest, max, min) = (self.rest, self.max, self.min);
        let n = rest + max + 1; // idle 0..=rest (0 unused), work len at rest + len
        let slots = value.len();
        self.back.clear();
        self.back.resize(slots * n, u16::MAX);
        let mut cur = vec![f64::NEG_INFINITY; n];
        let mut next = vec![f64::NEG_INFINITY; n];
        cur[rest] = 0.0;
        for (s, &c) in value.iter().enumerate() {
            next.fill(f64::NEG_INFINITY);
            let back = &mut self.back[s * n..(s + 1) * n];
            let mut relax = |next: &mut [f64], to: usize, from: usize, v: f64| {
                if v > next[to] {
                    next[to] = v;
                    back[to] = from as u16;
                }
            };
            for (i, &v) in cur.iter().enumerate().take(rest + 1).skip(1) {
                relax(&mut next, (i + 1).min(rest), i, v);
            }
            for len in min..=max {
                relax(&mut next, 1, rest + len, cur[rest + len]);
            }
            if c > f64::NEG_INFINITY {
                relax(&mut next, rest + 1, rest, cur[rest] + c);
                for len in 1..max {
                    relax(&mut next, rest + len + 1, rest + len, cur[rest + len] + c);
                }
            }
            std::mem::swap(&mut cur, &mut next);
        }
        let mut best = (f64::NEG_INFINITY, rest);
        for (st, &v) in cur.iter().enumerate() {
            let ok = st <= rest || st - rest >= min;
            if ok && v > best.0 {
                best = (v, st);
            }
        }
        worked.clear();
        worked.resize(slots, false);
        let mut st = best.1;
        for s in (0..slots).rev() {
            worked[s] = st > rest;
            st = self.back[s * n + st] as usize;
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(min: usize, max: usize, rest: usize) -> ShiftRules {
        ShiftRules {
            name: "t".into(),
            min_shift_slots: min,
            max_shift_slots: max,
            min_rest_slots: rest,
            max_work_slots: 100,
            max_hop_minutes: 10.0,
        }
    }

    /// Brute force over all worked/idle patterns.
    fn brute(r: &ShiftRules, value: &[f64]) -> f64 {
        let n = value.len();
        let mut best = f64::NEG_INFINITY;
        for mask in 0u32..(1 << n) {
            let w: Vec<bool> = (0..n).map(|s| mask >> s & 1 == 1).collect();
            if w.iter()
                .zip(value)
                .any(|(&b, &v)| b && v == f64::NEG_INFINITY)
            {
                continue;
            }
            let mut runs = Vec::new();
            let mut s = 0;
            while s < n {
                if w[s] {
                    let a = s;
                    while s < n && w[s] {
                        s += 1;
                    }
                    runs.push((a, s));
                } else {
                    s += 1;
                }
            }
            let lengths_ok = runs
                .iter()
                .all(|&(a, b)| b - a >= r.min_shift_slots && b - a <= r.max_shift_slots);
            let rest_ok = runs.windows(2).all(|p| p[1].0 - p[0].1 >= r.min_rest_slots);
            if lengths_ok && rest_ok {
                let v: f64 = (0..n).filter(|&s| w[s]).map(|s| value[s]).sum();
                best = best.max(v);
            }
        }
        best
    }

    #[test]
    fn matches_brute_force() {
        let values = [
            vec![1.0, -0.5, 2.0, 0.1, -3.0, 1.0, 1.0, 0.5, -0.2, 2.0, 1.0],
            vec![
                -1.0,
                5.0,
                -1.0,
                -1.0,
                4.0,
                0.0,
                f64::NEG_INFINITY,
                3.0,
                3.0,
                -0.1,
            ],
            vec![0.3; 12],
        ];
        for v in &values {
            for (min, max, rest) in [(1, 1, 1), (2, 3, 1), (2, 4, 2), (3, 3, 3), (1, 5, 4)] {
                let r = rules(min, max, rest);
                let mut dp = ShiftDp::new(&r);
                let mut worked = Vec::new();
                let got = dp.solve(v, &mut worked);
                let want = brute(&r, v);
                assert!(
                    (got - want).abs() < 1e-12,
                    "{v:?} {min} {max} {rest}: {got} vs {want}"
                );
                let again: f64 = (0..v.len()).filter(|&s| worked[s]).map(|s| v[s]).sum();
                assert!((again - got).abs() < 1e-12);
            }
        }
    }
}
