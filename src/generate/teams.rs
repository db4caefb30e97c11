//! Patrol teams, volunteer groups and emergency mobile teams.
//!
//! Teams are based at region or post ids, and every team at one base is identical
//! (kind, speed, reach, effectiveness, rules, availability), so a bound can aggregate
//! them. Reach is chosen per base so that a team reaches a handful to a few dozen
//! locations: the time to its `k`-th nearest location, rounded up to a whole minute.

use geo::Point;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::Number;

use super::geography::{PostSite, Street};
use super::numbers::apportion;
use super::rhythm::RegionKind;
use super::rules::{PATROL_12H, PATROL_8H, STANDBY_12H, VOLUNTEER};
use crate::geo::great_circle_km;
use crate::model::raw::{BaseSpec, TeamKind, TeamSpec};

/// Detour factor of the presets' haversine travel model.
pub const DETOUR: f64 = 1.3;

/// Travel minutes as the validator computes them (same operation order).
pub fn minutes(from: (f64, f64), to: (f64, f64), speed_kmh: f64) -> f64 {
    great_circle_km(Point::new(from.0, from.1), Point::new(to.0, to.1)) * DETOUR / speed_kmh * 60.0
}

/// Whole minutes to reach the `k`-th nearest target (the base itself counts), clamped.
fn reach_for(
    from: (f64, f64),
    targets: &[(f64, f64)],
    speed: f64,
    k: usize,
    lo: f64,
    hi: f64,
) -> f64 {
    let mut times: Vec<f64> = targets.iter().map(|&t| minutes(from, t, speed)).collect();
    times.sort_by(f64::total_cmp);
    let kth = times[k.min(times.len()).saturating_sub(1)];
    kth.ceil().clamp(lo, hi)
}

/// How a street's professional teams work, by how densely it is built up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatrolClass {
    /// Dense city core: e-bikes at 15 km/h, 8-hour shifts.
    Core,
    /// Town: e-bikes at 20 km/h, 8-hour shifts.
    Urban,
    /// Outskirts and countryside: patrol cars at 35 km/h, 12-hour shifts.
    Rural,
}

impl PatrolClass {
    /// The class of a street with `density` residents per km².
    pub fn of(density: f64) -> PatrolClass {
        if density >= 10_000.0 {
            PatrolClass::Core
        } else if density >= 2_000.0 {
            PatrolClass::Urban
        } else {
            PatrolClass::Rural
        }
    }

    pub(super) fn speed(self) -> f64 {
        match self {
            PatrolClass::Core => 15.0,
            PatrolClass::Urban => 20.0,
            PatrolClass::Rural => 35.0,
        }
    }

    pub(super) fn rules(self) -> &'static str {
        match self {
            PatrolClass::Rural => PATROL_12H,
            _ => PATROL_8H,
        }
    }

    /// Regions a team of this class should reach.
    pub(super) fn neighbours(self) -> usize {
        match self {
            PatrolClass::Core => 12,
            PatrolClass::Urban => 9,
            PatrolClass::Rural => 6,
        }
    }
}

/// The professional patrol teams based in one region.
#[derive(Debug, Clone)]
pub struct PatrolBase {
    /// Region index.
    pub region: usize,
    /// Number of teams.
    pub count: usize,
    /// Speed, km/h.
    pub speed: f64,
    /// Reach, minutes.
    pub reach: f64,
    /// Rule set key.
    pub rules: &'static str,
}

/// `homes` in residential and school streets (where people live and gather as a
/// community), `other` in stations, malls and nightlife.
fn homes_or(kind: RegionKind, homes: f64, other: f64) -> f64 {
    if matches!(kind, RegionKind::Residential | RegionKind::School) {
        homes
    } else {
        other
    }
}

/// Spreads `total` professional teams over the streets, busier and larger streets first,
/// at least `min` each; `reach` gives a base's reach in minutes from its street and
/// class. Returns the bases that hold teams, in street order.
pub fn patrol_bases(
    streets: &[Street],
    kinds: &[RegionKind],
    total: usize,
    min: usize,
    reach: impl Fn(&Street, PatrolClass) -> f64,
) -> Vec<PatrolBase> {
    let weights: Vec<f64> = streets
        .iter()
        .zip(kinds)
        .map(|(s, &k)| s.population * (1.0 + s.centrality) * homes_or(k, 1.0, 1.3))
        .collect();
    let counts = apportion(total, &weights, min);
    streets
        .iter()
        .enumerate()
        .filter(|&(i, _)| counts[i] > 0)
        .map(|(i, s)| {
            let class = PatrolClass::of(s.density);
            PatrolBase {
                region: i,
                count: counts[i],
                speed: class.speed(),
                reach: reach(s, class),
                rules: class.rules(),
            }
        })
        .collect()
}

/// Reach of a street preset's base: the time to its class's `neighbours()`-th nearest
/// street (all pairs: a few thousand streets at most), 10-60 minutes.
pub fn street_reach(streets: &[Street]) -> impl Fn(&Street, PatrolClass) -> f64 {
    let points: Vec<(f64, f64)> = streets.iter().map(|s| (s.lon, s.lat)).collect();
    move |s, class| {
        reach_for(
            (s.lon, s.lat),
            &points,
            class.speed(),
            class.neighbours(),
            10.0,
            60.0,
        )
    }
}

fn id(prefix: &str, n: usize, width: usize) -> String {
    format!("{prefix}-{n:0width$}")
}

fn width(total: usize) -> usize {
    total.to_string().len().max(4)
}

/// One team entry per professional team, in base order.
pub fn patrol_teams(bases: &[PatrolBase], region_ids: &[String]) -> Vec<TeamSpec> {
    let total: usize = bases.iter().map(|b| b.count).sum();
    let mut teams = Vec::with_capacity(total);
    for b in bases {
        for _ in 0..b.count {
            teams.push(TeamSpec {
                id: id("JP", teams.len() + 1, width(total)),
                kind: TeamKind::Patrol,
                volunteer: false,
                members: Number::from(5),
                base: BaseSpec::Id(region_ids[b.region].clone()),
                speed_kmh: Some(b.speed),
                reach_minutes: Some(b.reach),
                effectiveness: Some(1.0),
                rules: b.rules.to_string(),
                available: None,
            });
        }
    }
    teams
}

/// Daytime windows a community's volunteer groups turn out in, every day.
const VOLUNTEER_WINDOWS: [(usize, usize); 4] = [(8, 12), (9, 13), (13, 17), (14, 18)];

/// Volunteer groups of 5 on foot, based in residential and school streets above all,
/// each out every day in one daytime window of its base.
pub fn volunteer_teams(
    streets: &[Street],
    kinds: &[RegionKind],
    region_ids: &[String],
    total: usize,
    slots: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<TeamSpec> {
    let weights: Vec<f64> = streets
        .iter()
        .zip(kinds)
        .map(|(s, &k)| s.population * homes_or(k, 1.5, 1.0))
        .collect();
    let counts = apportion(total, &weights, 0);
    let mut teams = Vec::with_capacity(total);
    for (i, &count) in counts.iter().enumerate() {
        let (from, to) = VOLUNTEER_WINDOWS[rng.random_range(0..VOLUNTEER_WINDOWS.len())];
        let available: Vec<[Number; 2]> = (0..slots.div_ceil(24))
            .filter_map(|d| {
                let (a, b) = (d * 24 + from, (d * 24 + to).min(slots));
                (a < b).then(|| [Number::from(a), Number::from(b)])
            })
            .collect();
        let effectiveness = if kinds[i] == RegionKind::Residential {
            0.6
        } else {
            0.5
        };
        for _ in 0..count {
            teams.push(TeamSpec {
                id: id("JV", teams.len() + 1, width(total)),
                kind: TeamKind::Patrol,
                volunteer: true,
                members: Number::from(5),
                base: BaseSpec::Id(region_ids[i].clone()),
                speed_kmh: Some(5.0),
                reach_minutes: Some(30.0),
                effectiveness: Some(effectiveness),
                rules: VOLUNTEER.to_string(),
                available: Some(available.clone()),
            });
        }
    }
    teams
}

/// How many posts each street gets: central streets and stations first.
pub fn post_counts(streets: &[Street], kinds: &[RegionKind], total: usize) -> Vec<usize> {
    let weights: Vec<f64> = streets
        .iter()
        .zip(kinds)
        .map(|(s, k)| {
            let station = if *k == RegionKind::Station { 2.0 } else { 1.0 };
            s.population.sqrt() * (1.0 + s.centrality) * station
        })
        .collect();
    apportion(total, &weights, 1)
}

/// Emergency mobile teams of 6 by car, based at posts; returns the teams and each
/// post's capacity (half its based teams, rounded up, at least 1).
pub fn mobile_teams(
    streets: &[Street],
    posts: &[PostSite],
    post_ids: &[String],
    total: usize,
    rng: &mut ChaCha8Rng,
) -> (Vec<TeamSpec>, Vec<u64>) {
    let weights: Vec<f64> = posts
        .iter()
        .map(|p| {
            let s = &streets[p.street];
            s.population.sqrt() * (1.0 + 2.0 * s.centrality) * rng.random_range(0.5..1.5)
        })
        .collect();
    let counts = apportion(total, &weights, 0);
    let points: Vec<(f64, f64)> = posts.iter().map(|p| (p.lon, p.lat)).collect();
    let mut teams = Vec::with_capacity(total);
    let mut capacity = Vec::with_capacity(posts.len());
    for (i, &count) in counts.iter().enumerate() {
        capacity.push(count.div_ceil(2).max(1) as u64);
        if count == 0 {
            continue;
        }
        // Cars are slower in the congested core.
        let speed = if PatrolClass::of(streets[posts[i].street].density) == PatrolClass::Core {
            30.0
        } else {
            40.0
        };
        let reach = reach_for(points[i], &points, speed, 8, 10.0, 60.0);
        for _ in 0..count {
            teams.push(TeamSpec {
                id: id("EM", teams.len() + 1, width(total)),
                kind: TeamKind::Mobile,
                volunteer: false,
                members: Number::from(6),
                base: BaseSpec::Id(post_ids[i].clone()),
                speed_kmh: Some(speed),
                reach_minutes: Some(reach),
                effectiveness: None,
                rules: STANDBY_12H.to_string(),
                available: None,
            });
        }
    }
    (teams, capacity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_covers_the_kth_nearest() {
        let targets = [(118.0, 32.0), (118.01, 32.0), (118.02, 32.0), (118.5, 32.0)];
        let r = reach_for(targets[0], &targets, 20.0, 3, 1.0, 60.0);
        assert!(minutes(targets[0], targets[2], 20.0) <= r);
        assert!(minutes(targets[0], targets[3], 20.0) > r);
        assert_eq!(reach_for(targets[0], &targets, 20.0, 1, 10.0, 60.0), 10.0);
    }

    #[test]
    fn classes_follow_density() {
        assert_eq!(PatrolClass::of(15_000.0), PatrolClass::Core);
        assert_eq!(PatrolClass::of(5_000.0), PatrolClass::Urban);
        assert_eq!(PatrolClass::of(500.0), PatrolClass::Rural);
    }
}
