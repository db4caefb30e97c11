//! `risk --check`: how well the estimated risk predicts where later incidents happen.
//!
//! The records are split in time: the estimator is fitted on the earlier part and judged
//! on the held-out later weeks, against two naive predictors (the counts of the last four
//! weeks before the split, and a uniform rate per km²). For each predictor the regions are
//! ranked by predicted incidents per km², and the hit rate (share of held-out incidents in
//! the top-ranked regions) and the PAI (hit rate / area share) are reported at 1 %, 5 % and
//! 10 % of the area. The same is reported for region-hours (ranking region × hour-of-week
//! cells, area share = km² × hours), which is what a schedule uses.

use serde::Serialize;

use super::clock::{hour_of_week, HOURS_PER_WEEK as H};
use super::incidents::Placed;
use super::risk::{self, exposure, FitReport, Landscape};

/// Area shares at which hit rates are reported.
pub const AREA_SHARES: [f64; 3] = [0.01, 0.05, 0.10];
/// Relative difference under which two predicted densities are a tie.
pub const TIE_TOLERANCE: f64 = 1e-9;
/// Length of the "last month" of the naive predictor, in hours (four weeks).
pub const LAST_MONTH_HOURS: i64 = 28 * 24;

/// Hit rate and PAI at one area share.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Hit {
    /// Share of the area (or area × time) selected.
    pub area_share: f64,
    /// Share of the held-out incidents (weighted) inside the selection.
    pub hit_rate: f64,
    /// `hit_rate / area_share`.
    pub pai: f64,
}

/// One predictor's scores.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// The predictor.
    pub predictor: &'static str,
    /// Ranking regions.
    pub regions: Vec<Hit>,
    /// Ranking region × hour-of-week cells.
    pub region_hours: Vec<Hit>,
}

/// The whole check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Records fitted on (before the split).
    pub train_records: usize,
    /// Held-out records.
    pub test_records: usize,
    /// Held-out weeks.
    pub test_weeks: usize,
    /// Strengths chosen on the training part.
    pub kappa_space: f64,
    /// See `kappa_space`.
    pub kappa_time: f64,
    /// Estimator first, then the naive predictors.
    pub scores: Vec<Scores>,
}

/// Why the check cannot run.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The records span too little time.
    #[error("the records span {weeks} week(s); the check needs at least {needed} (training at least as long as the held-out part)")]
    TooShort {
        /// Weeks spanned.
        weeks: usize,
        /// Weeks needed.
        needed: usize,
    },
}

/// Hit rates of a prediction: `pred[i]` expected incidents and `area[i]` of cell `i`,
/// `hits[i]` held-out incidents. Cells with equal density are taken together, pro rata,
/// so ties (such as a uniform predictor) score what a random order would on average.
pub fn hit_rates(pred: &[f64], area: &[f64], hits: &[f64]) -> Vec<Hit> {
    let total_area: f64 = area.iter().sum();
    let total_hits: f64 = hits.iter().sum();
    let mut order: Vec<usize> = (0..pred.len()).filter(|&i| area[i] > 0.0).collect();
    let density = |i: usize| pred[i] / area[i];
    order.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
    // Groups of equal density: (area, hits).
    let mut groups: Vec<(f64, f64)> = Vec::new();
    let mut last = f64::NAN;
    for &i in &order {
        let d = density(i);
        // Equal up to rounding: `(a * c) / a` need not give `c` back exactly.
        if (d - last).abs() <= TIE_TOLERANCE * d.abs().max(last.abs()) {
            let g = groups.last_mut().expect("a group is open");
            g.0 += area[i];
            g.1 += hits[i];
        } else {
            groups.push((area[i], hits[i]));
            last = d;
        }
    }
    AREA_SHARES
        .iter()
        .map(|&share| {
            let mut budget = share * total_area;
            let mut got = 0.0;
            for &(a, h) in &groups {
                if budget <= 0.0 {
                    break;
                }
                let take = (budget / a).min(1.0);
                got += h * take;
                budget -= a * take;
            }
            let hit_rate = if total_hits > 0.0 {
                got / total_hits
            } else {
                0.0
            };
            Hit {
                area_share: share,
                hit_rate,
                pai: hit_rate / share,
            }
        })
        .collect()
}

/// Fits on the records before the last `test_weeks` weeks and scores the later part.
pub fn check(
    land: &Landscape,
    records: &[Placed],
    test_weeks: usize,
) -> Result<(CheckReport, FitReport), CheckError> {
    let (lo, hi) = super::span_of(records);
    let weeks = ((hi - lo).max(0) as usize).div_ceil(H);
    if test_weeks == 0 || weeks < 2 * test_weeks {
        return Err(CheckError::TooShort {
            weeks,
            needed: 2 * test_weeks.max(1),
        });
    }
    let split = hi - (test_weeks * H) as i64;
    let n = land.regions();
    let (rates, fit) = risk::fit(land, records, lo, split);
    let test_ex = exposure(split, hi);
    let mut hits_rh = vec![0.0; n * H];
    let mut last_rh = vec![0.0; n * H];
    let (mut train_records, mut test_records) = (0, 0);
    for p in records {
        let cell = p.region as usize * H + hour_of_week(p.hour);
        if p.hour >= split {
            hits_rh[cell] += p.weight;
            test_records += 1;
        } else {
            train_records += 1;
            if p.hour >= split - LAST_MONTH_HOURS {
                last_rh[cell] += p.weight;
            }
        }
    }
    let area_rh: Vec<f64> = (0..n * H)
        .map(|i| land.area_km2[i / H] * test_ex[i % H])
        .collect();
    let est_rh: Vec<f64> = (0..n * H)
        .map(|i| rates.lambda[i] * test_ex[i % H])
        .collect();
    let uniform_rh: Vec<f64> = area_rh.clone();
    let per_region =
        |v: &[f64]| -> Vec<f64> { (0..n).map(|r| v[r * H..(r + 1) * H].iter().sum()).collect() };
    let hits = per_region(&hits_rh);
    let mut scores = Vec::new();
    for (name, rh) in [
        ("estimate", &est_rh),
        ("last month's counts", &last_rh),
        ("uniform rate", &uniform_rh),
    ] {
        scores.push(Scores {
            predictor: name,
            regions: hit_rates(&per_region(rh), &land.area_km2, &hits),
            region_hours: hit_rates(rh, &area_rh, &hits_rh),
        });
    }
    Ok((
        CheckReport {
            train_records,
            test_records,
            test_weeks,
            kappa_space: fit.kappa_space,
            kappa_time: fit.kappa_time,
            scores,
        },
        fit,
    ))
}

impl CheckReport {
    /// A plain table for people.
    pub fn table(&self) -> String {
        let mut s = format!(
            "risk check: fitted on {} records, scored on {} records of the last {} week(s) (kappa_space {}, kappa_time {})\n",
            self.train_records, self.test_records, self.test_weeks, self.kappa_space, self.kappa_time
        );
        for (what, pick) in [("regions", 0), ("region-hours", 1)] {
            s.push_str(&format!("ranking {what}:\n  {:<22}", "predictor"));
            for a in AREA_SHARES {
                s.push_str(&format!("  hit@{:>3}%   PAI", a * 100.0));
            }
            s.push('\n');
            for sc in &self.scores {
                s.push_str(&format!("  {:<22}", sc.predictor));
                let hits = if pick == 0 {
                    &sc.regions
                } else {
                    &sc.region_hours
                };
                for h in hits {
                    s.push_str(&format!("  {:>7.1}% {:>5.2}", h.hit_rate * 100.0, h.pai));
                }
                s.push('\n');
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_ties_score_pai_one() {
        let area: Vec<f64> = (0..200).map(|i| 1.0 + 0.013 * (i % 3) as f64).collect();
        let hits: Vec<f64> = (0..200).map(|i| (i % 7) as f64).collect();
        let pred: Vec<f64> = area.iter().map(|a| a * 0.37).collect();
        let h = hit_rates(&pred, &area, &hits);
        for x in h {
            assert!((x.pai - 1.0).abs() < 1e-9, "{x:?}");
        }
    }

    #[test]
    fn perfect_ranking_finds_the_hot_cell() {
        let area = vec![1.0; 100];
        let mut hits = vec![0.0; 100];
        hits[42] = 10.0;
        let mut pred = vec![0.1; 100];
        pred[42] = 5.0;
        let h = hit_rates(&pred, &area, &hits);
        assert!((h[0].hit_rate - 1.0).abs() < 1e-12 && (h[0].pai - 100.0).abs() < 1e-9);
    }
}
