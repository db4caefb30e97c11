//! Risk from incident records: an expected (weighted) number of incidents per region
//! and hour of the week, with spatial smoothing and shrinkage.
//!
//! The rate of region `r` in hour of week `h` is `mu[r] * f[r][h]`: a level `mu` (incidents
//! per hour) and a weekly profile `f` (mean 1 over the observed hours). Both are
//! Poisson–gamma (Clayton–Kaldor) shrinkage estimates, each level shrunk toward the one
//! above it by a prior worth `kappa` incidents:
//!
//! - level: city density → district (`group`) density → density of the region's
//!   neighbours (regions whose outlines touch) → the region;
//! - profile: flat → city profile → district profile → the region's profile.
//!
//! `kappa_space` and `kappa_time` are chosen by cross-validation on held-out weeks: the
//! Poisson likelihood of held-out records factorises into the region totals (Poisson,
//! depends on the level only) times the hour given the region (multinomial, depends on
//! the profile only), so each strength is chosen on its own factor.

// Numeric kernels index several parallel arrays by the same cell and hour.
#![allow(clippy::needless_range_loop)]

use geo::{BoundingRect, ChamberlainDuquetteArea, Distance, Euclidean, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, RTreeObject, AABB};

use super::clock::{hour_of_week, HOURS_PER_WEEK as H};
use super::incidents::Placed;

/// The prior strengths tried by cross-validation, in incidents.
pub const KAPPA_GRID: [f64; 11] = [
    0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0,
];
/// Strengths used when the records span fewer than two weeks (no week can be held out).
pub const DEFAULT_KAPPA: (f64, f64) = (3.0, 10.0);
/// Most folds of the cross-validation.
pub const MAX_FOLDS: usize = 5;
/// Outlines closer than this (degrees, about 20 m) are neighbours: GIS layers often
/// leave slivers between cells that are meant to touch.
pub const NEIGHBOUR_GAP_DEGREES: f64 = 2e-4;

/// What the estimator needs to know about the regions.
#[derive(Debug, Clone)]
pub struct Landscape {
    /// Area of each region, km² (0 for a Point region).
    pub area_km2: Vec<f64>,
    /// District index of each region (`None`: no group).
    pub group: Vec<Option<u32>>,
    /// Number of districts.
    pub groups: usize,
    /// Neighbours of each region (outlines within [`NEIGHBOUR_GAP_DEGREES`]).
    pub neighbours: Vec<Vec<u32>>,
}

impl Landscape {
    /// Areas, districts and neighbours from the outlines and group names.
    pub fn new(shapes: &[Option<&MultiPolygon<f64>>], groups: &[Option<&str>]) -> Landscape {
        let area_km2 = shapes
            .iter()
            .map(|s| s.map_or(0.0, |s| s.chamberlain_duquette_unsigned_area() / 1e6))
            .collect();
        let mut names: Vec<&str> = groups.iter().flatten().copied().collect();
        names.sort_unstable();
        names.dedup();
        let group = groups
            .iter()
            .map(|g| g.map(|g| names.binary_search(&g).expect("collected above") as u32))
            .collect();
        let gap = NEIGHBOUR_GAP_DEGREES;
        let items: Vec<_> = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let r = (*s)?.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners(
                        [r.min().x - gap, r.min().y - gap],
                        [r.max().x + gap, r.max().y + gap],
                    ),
                    i,
                ))
            })
            .collect();
        let tree = RTree::bulk_load(items.clone());
        let mut neighbours = vec![Vec::new(); shapes.len()];
        for item in &items {
            let i = item.data;
            let a = shapes[i].expect("indexed shapes exist");
            let env = item.geom().envelope();
            let mut ns: Vec<u32> = tree
                .locate_in_envelope_intersecting(&AABB::from_corners(env.lower(), env.upper()))
                .map(|g| g.data)
                .filter(|&j| j != i)
                .filter(|&j| Euclidean.distance(a, shapes[j].expect("indexed")) <= gap)
                .map(|j| j as u32)
                .collect();
            ns.sort_unstable();
            neighbours[i] = ns;
        }
        Landscape {
            area_km2,
            group,
            groups: names.len(),
            neighbours,
        }
    }

    /// Number of regions.
    pub fn regions(&self) -> usize {
        self.area_km2.len()
    }
}

/// Records binned by region and hour of week, with the hours observed.
#[derive(Debug, Clone)]
pub struct Counts {
    /// Weighted counts, `y[r * 168 + h]`.
    pub y: Vec<f64>,
    /// Observed hours of each hour of week.
    pub exposure: [f64; H],
}

impl Counts {
    /// Bins the records whose local hour lies in `[from, to)`; every hour in that span is
    /// observed.
    pub fn new(records: &[Placed], regions: usize, from: i64, to: i64) -> Counts {
        let mut y = vec![0.0; regions * H];
        for p in records.iter().filter(|p| p.hour >= from && p.hour < to) {
            y[p.region as usize * H + hour_of_week(p.hour)] += p.weight;
        }
        Counts {
            y,
            exposure: exposure(from, to),
        }
    }

    fn total_hours(&self) -> f64 {
        self.exposure.iter().sum()
    }
}

/// How many times each hour of week occurs in the local hours `[from, to)`.
pub fn exposure(from: i64, to: i64) -> [f64; H] {
    let mut e = [0.0; H];
    let span = (to - from).max(0);
    let whole = (span / H as i64) as f64;
    e.iter_mut().for_each(|x| *x = whole);
    for hour in from + (span / H as i64) * H as i64..to {
        e[hour_of_week(hour)] += 1.0;
    }
    e
}

/// Chosen strengths and the cross-validation that chose them.
#[derive(Debug, Clone)]
pub struct FitReport {
    /// Prior strength of the spatial levels, incidents.
    pub kappa_space: f64,
    /// Prior strength of the weekly profiles, incidents.
    pub kappa_time: f64,
    /// Folds used (0: too few weeks, defaults used).
    pub folds: usize,
    /// Weeks (whole or part) the records span.
    pub weeks: usize,
    /// Held-out log-likelihood of region totals for each `KAPPA_GRID` value.
    pub cv_space: Vec<f64>,
    /// Held-out log-likelihood of hours given regions for each `KAPPA_GRID` value.
    pub cv_time: Vec<f64>,
}

/// The estimated rates: `lambda[r * 168 + h]` incidents per hour.
#[derive(Debug, Clone)]
pub struct Rates {
    /// Rates per region and hour of week.
    pub lambda: Vec<f64>,
}

impl Rates {
    /// Rate of region `r` in hour of week `h`.
    pub fn at(&self, r: usize, h: usize) -> f64 {
        self.lambda[r * H + h]
    }
}

/// Region levels (incidents per hour).
pub fn fit_levels(land: &Landscape, c: &Counts, kappa: f64) -> Vec<f64> {
    let n = land.regions();
    let e = c.total_hours();
    let totals: Vec<f64> = (0..n)
        .map(|r| c.y[r * H..(r + 1) * H].iter().sum())
        .collect();
    let area: f64 = land.area_km2.iter().sum();
    let y: f64 = (0..n)
        .filter(|&r| land.area_km2[r] > 0.0)
        .map(|r| totals[r])
        .sum();
    if e <= 0.0 || area <= 0.0 || y <= 0.0 {
        return vec![0.0; n];
    }
    let shrink = |obs: f64, expected: f64| (obs + kappa) / (expected + kappa);
    let city = y / (area * e);
    let mut gy = vec![0.0; land.groups];
    let mut ga = vec![0.0; land.groups];
    for r in 0..n {
        if let Some(g) = land.group[r] {
            gy[g as usize] += totals[r];
            ga[g as usize] += land.area_km2[r];
        }
    }
    let district: Vec<f64> = (0..land.groups)
        .map(|g| city * shrink(gy[g], city * ga[g] * e))
        .collect();
    (0..n)
        .map(|r| {
            let a = land.area_km2[r];
            if a <= 0.0 {
                return 0.0;
            }
            let d = land.group[r].map_or(city, |g| district[g as usize]);
            let (ny, na) = land.neighbours[r].iter().fold((0.0, 0.0), |(y, a), &j| {
                (y + totals[j as usize], a + land.area_km2[j as usize])
            });
            let around = if na > 0.0 {
                d * shrink(ny, d * na * e)
            } else {
                d
            };
            around * a * shrink(totals[r], around * a * e)
        })
        .collect()
}

/// Weekly profiles `f[r * 168 + h]`, each with mean 1 over the observed hours.
pub fn fit_profiles(land: &Landscape, c: &Counts, kappa: f64) -> Vec<f64> {
    let n = land.regions();
    let ex = &c.exposure;
    let e: f64 = ex.iter().sum();
    let mut f = vec![1.0; n * H];
    if e <= 0.0 {
        return f;
    }
    // One level: shrink the observed hours `obs` toward the profile `prior`.
    let level = |obs: &[f64], prior: &[f64], out: &mut [f64]| {
        let total: f64 = obs.iter().sum();
        for h in 0..H {
            let expected = total * ex[h] * prior[h] / e;
            out[h] = prior[h] * (obs[h] + kappa) / (expected + kappa);
        }
        let norm: f64 = (0..H).map(|h| ex[h] * out[h]).sum();
        if norm > 0.0 {
            out.iter_mut().for_each(|x| *x *= e / norm);
        }
    };
    let mut city_obs = [0.0; H];
    let mut group_obs = vec![[0.0; H]; land.groups];
    for r in 0..n {
        for h in 0..H {
            let v = c.y[r * H + h];
            city_obs[h] += v;
            if let Some(g) = land.group[r] {
                group_obs[g as usize][h] += v;
            }
        }
    }
    let mut city = [1.0; H];
    level(&city_obs, &[1.0; H], &mut city);
    let groups: Vec<[f64; H]> = group_obs
        .iter()
        .map(|obs| {
            let mut out = [1.0; H];
            level(obs, &city, &mut out);
            out
        })
        .collect();
    for r in 0..n {
        let prior = land.group[r].map_or(&city, |g| &groups[g as usize]);
        level(&c.y[r * H..(r + 1) * H], prior, &mut f[r * H..(r + 1) * H]);
    }
    f
}

/// Rates from levels and profiles.
pub fn combine(levels: &[f64], profiles: &[f64]) -> Rates {
    Rates {
        lambda: profiles
            .iter()
            .enumerate()
            .map(|(i, f)| levels[i / H] * f)
            .collect(),
    }
}

/// Fits the rates on the records in local hours `[from, to)`, choosing both strengths
/// by cross-validation over the weeks of that span.
pub fn fit(land: &Landscape, records: &[Placed], from: i64, to: i64) -> (Rates, FitReport) {
    let n = land.regions();
    let all = Counts::new(records, n, from, to);
    let weeks = ((to - from).max(0) as usize).div_ceil(H);
    let folds = weeks.min(MAX_FOLDS);
    let mut report = FitReport {
        kappa_space: DEFAULT_KAPPA.0,
        kappa_time: DEFAULT_KAPPA.1,
        folds: 0,
        weeks,
        cv_space: Vec::new(),
        cv_time: Vec::new(),
    };
    if folds >= 2 {
        report.folds = folds;
        report.cv_space = vec![0.0; KAPPA_GRID.len()];
        report.cv_time = vec![0.0; KAPPA_GRID.len()];
        for k in 0..folds {
            let held: Vec<Placed> = records
                .iter()
                .filter(|p| {
                    p.hour >= from && p.hour < to && ((p.hour - from) as usize / H) % folds == k
                })
                .copied()
                .collect();
            let mut test = Counts {
                y: vec![0.0; n * H],
                exposure: [0.0; H],
            };
            for p in &held {
                test.y[p.region as usize * H + hour_of_week(p.hour)] += p.weight;
            }
            for w in (k..weeks).step_by(folds) {
                let a = from + (w * H) as i64;
                let ex = exposure(a, (a + H as i64).min(to));
                (0..H).for_each(|h| test.exposure[h] += ex[h]);
            }
            let train = Counts {
                y: all
                    .y
                    .iter()
                    .zip(&test.y)
                    .map(|(a, b)| (a - b).max(0.0))
                    .collect(),
                exposure: std::array::from_fn(|h| all.exposure[h] - test.exposure[h]),
            };
            let test_hours = test.total_hours();
            let test_totals: Vec<f64> = (0..n)
                .map(|r| test.y[r * H..(r + 1) * H].iter().sum())
                .collect();
            for (i, &kappa) in KAPPA_GRID.iter().enumerate() {
                let mu = fit_levels(land, &train, kappa);
                report.cv_space[i] += (0..n)
                    .map(|r| {
                        let m = mu[r] * test_hours;
                        if test_totals[r] > 0.0 {
                            test_totals[r] * m.max(1e-300).ln() - m
                        } else {
                            -m
                        }
                    })
                    .sum::<f64>();
                let f = fit_profiles(land, &train, kappa);
                let mut ll = 0.0;
                for r in 0..n {
                    if test_totals[r] <= 0.0 {
                        continue;
                    }
                    let row = &f[r * H..(r + 1) * H];
                    let z: f64 = (0..H).map(|h| row[h] * test.exposure[h]).sum();
                    for h in 0..H {
                        let y = test.y[r * H + h];
                        if y > 0.0 {
                            ll += y * (row[h] * test.exposure[h] / z).max(1e-300).ln();
                        }
                    }
                }
                report.cv_time[i] += ll;
            }
        }
        let best = |scores: &[f64]| {
            let mut b = 0;
            for (i, s) in scores.iter().enumerate() {
                if *s > scores[b] {
                    b = i;
                }
            }
            KAPPA_GRID[b]
        };
        report.kappa_space = best(&report.cv_space);
        report.kappa_time = best(&report.cv_time);
    }
    let mu = fit_levels(land, &all, report.kappa_space);
    let f = fit_profiles(land, &all, report.kappa_time);
    (combine(&mu, &f), report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_counts_hours_of_week() {
        let e = exposure(0, 2 * H as i64 + 5);
        let total: f64 = e.iter().sum();
        assert_eq!(total, 2.0 * H as f64 + 5.0);
        // Local hour 0 (1970-01-01 00:00, a Thursday) is hour of week 72.
        assert_eq!(e[72], 3.0);
        assert_eq!(e[71], 2.0);
    }

    #[test]
    fn flat_data_gives_flat_profiles_and_area_shares() {
        let land = Landscape {
            area_km2: vec![1.0, 3.0],
            group: vec![None, None],
            groups: 0,
            neighbours: vec![vec![1], vec![0]],
        };
        let mut c = Counts {
            y: vec![0.0; 2 * H],
            exposure: [10.0; H],
        };
        for h in 0..H {
            c.y[h] = 10.0;
            c.y[H + h] = 30.0;
        }
        let mu = fit_levels(&land, &c, 1.0);
        assert!(
            (mu[0] - 1.0).abs() < 1e-9 && (mu[1] - 3.0).abs() < 1e-9,
            "{mu:?}"
        );
        let f = fit_profiles(&land, &c, 1.0);
        assert!(f.iter().all(|x| (x - 1.0).abs() < 1e-9));
    }
}
