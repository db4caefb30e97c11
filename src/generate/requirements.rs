//! Hard minimum-patrol requirements at hot spots: school gates at 7-9 and 15-17 on
//! weekdays, stations in the commuter peaks every day, malls on weekend afternoons.
//!
//! A requirement asks for at most a quarter of the professional teams that can reach the
//! street (four crews rotate, so about a quarter are on duty at any time). Volunteers
//! are never counted when sizing, so requirements stay satisfiable when volunteers must
//! be escorted by professionals.

use serde_json::Number;

use super::geography::Street;
use super::rhythm::RegionKind;
use super::teams::{minutes, PatrolBase};
use crate::model::raw::MinPatrolSpec;

/// Professional teams that can reach each street from their base.
pub fn professionals_reaching(streets: &[Street], bases: &[PatrolBase]) -> Vec<usize> {
    streets
        .iter()
        .map(|s| {
            bases
                .iter()
                .filter(|b| b.count > 0)
                .filter(|b| {
                    let base = &streets[b.region];
                    minutes((base.lon, base.lat), (s.lon, s.lat), b.speed) <= b.reach
                })
                .map(|b| b.count)
                .sum()
        })
        .collect()
}

/// Daily windows `(first hour, end hour)`, the days they apply on, and the most teams
/// asked for, by kind.
fn windows(kind: RegionKind) -> (&'static [(usize, usize)], Days, usize) {
    match kind {
        RegionKind::School => (&[(7, 9), (15, 17)], Days::Weekdays, 1),
        RegionKind::Station => (&[(7, 9), (17, 19)], Days::All, 2),
        RegionKind::Mall => (&[(14, 18)], Days::Weekends, 2),
        RegionKind::Residential | RegionKind::Nightlife => (&[], Days::All, 0),
    }
}

#[derive(Clone, Copy)]
enum Days {
    All,
    Weekdays,
    Weekends,
}

/// The requirements of every street over a horizon of `slots` hours from Monday 00:00.
pub fn min_patrol(
    kinds: &[RegionKind],
    reaching: &[usize],
    slots: usize,
) -> Vec<Vec<MinPatrolSpec>> {
    kinds
        .iter()
        .zip(reaching)
        .map(|(&kind, &pros)| {
            let (hours, days, cap) = windows(kind);
            let teams = cap.min(pros / 4);
            if teams == 0 {
                return Vec::new();
            }
            let mut out = Vec::new();
            for day in 0..slots.div_ceil(24) {
                let weekend = day % 7 >= 5;
                let keep = match days {
                    Days::All => true,
                    Days::Weekdays => !weekend,
                    Days::Weekends => weekend,
                };
                for &(a, b) in hours.iter().filter(|_| keep) {
                    let (from, to) = (day * 24 + a, (day * 24 + b).min(slots));
                    if from < to {
                        out.push(MinPatrolSpec {
                            from: Number::from(from),
                            to: Number::from(to),
                            teams: Number::from(teams),
                        });
                    }
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schools_need_teams_on_weekdays_only() {
        let reqs = min_patrol(&[RegionKind::School], &[8], 168);
        assert_eq!(reqs[0].len(), 10);
        assert_eq!(reqs[0][0].from, Number::from(7));
        assert_eq!(reqs[0][1].from, Number::from(15));
        assert!(reqs[0].iter().all(|m| m.teams == Number::from(1)));
    }

    #[test]
    fn requirements_are_sized_by_reaching_professionals() {
        let reqs = min_patrol(
            &[RegionKind::Station, RegionKind::Station, RegionKind::Mall],
            &[3, 5, 100],
            168,
        );
        assert!(
            reqs[0].is_empty(),
            "fewer than four reachers: no requirement"
        );
        assert!(reqs[1].iter().all(|m| m.teams == Number::from(1)));
        assert_eq!(reqs[2].len(), 2, "weekend afternoons");
        assert!(reqs[2].iter().all(|m| m.teams == Number::from(2)));
    }
}
