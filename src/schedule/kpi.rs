//! The KPIs of MODEL.md section 5. Shares use the raw (not rescaled) footfall and risk;
//! a share whose denominator is 0 is `None` (JSON null).

use serde::Serialize;

use super::occupancy::Occupancy;
use super::score::Coverage;
use crate::model::{Instance, TeamKind};

/// A value per kind of team: professional patrol teams, volunteer patrol teams, mobile
/// teams.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ByKind<T> {
    /// Non-volunteer patrol teams.
    pub patrol_professional: T,
    /// Volunteer patrol teams.
    pub volunteer: T,
    /// Emergency mobile teams.
    pub mobile: T,
}

/// Min, median and max of the worked slots of the teams of one kind (idle teams
/// included; the median of an even count is the mean of the middle two).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Fewest worked slots.
    pub min: f64,
    /// Median worked slots.
    pub median: f64,
    /// Most worked slots.
    pub max: f64,
}

/// The KPIs of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpis {
    /// Footfall-weighted share of region-slots with at least one patrol team.
    pub meeting_rate: Option<f64>,
    /// Risk-weighted share of region-slots with at least one patrol team.
    pub risk_coverage: Option<f64>,
    /// Risk-weighted share of region-slots with `C1 = 1`.
    pub response_coverage: Option<f64>,
    /// Risk-weighted share of region-slots with `C2 = 1`.
    pub backup_coverage: Option<f64>,
    /// `sum risk[r,s] * (1 - deterrence * g(P[r,s]) / G)`; `None` when `G = 0`.
    pub expected_preventable_incidents: Option<f64>,
    /// `sum members * worked slots * slot_minutes / 60` (slots in the horizon).
    pub personnel_hours: ByKind<f64>,
    /// Worked slots over available slots, summed over the teams of the kind.
    pub utilisation: ByKind<Option<f64>>,
    /// Spread of worked slots over the teams of the kind; `None` without such teams.
    pub worked_slots_spread: ByKind<Option<Spread>>,
}

fn share(num: f64, den: f64) -> Option<f64> {
    (den != 0.0).then(|| num / den)
}

/// Which [`ByKind`] bucket a team falls in: 0 professional, 1 volunteer, 2 mobile.
fn bucket(kind: TeamKind, volunteer: bool) -> usize {
    match (kind, volunteer) {
        (TeamKind::Mobile, _) => 2,
        (TeamKind::Patrol, true) => 1,
        (TeamKind::Patrol, false) => 0,
    }
}

fn by_kind<T>([a, b, c]: [T; 3]) -> ByKind<T> {
    ByKind {
        patrol_professional: a,
        volunteer: b,
        mobile: c,
    }
}

fn spread(mut worked: Vec<usize>) -> Option<Spread> {
    worked.sort_unstable();
    let n = worked.len();
    if n == 0 {
        return None;
    }
    let median = if n % 2 == 1 {
        worked[n / 2] as f64
    } else {
        (worked[n / 2 - 1] + worked[n / 2]) as f64 / 2.0
    };
    Some(Spread {
        min: worked[0] as f64,
        median,
        max: worked[n - 1] as f64,
    })
}

/// Computes the KPIs.
pub(crate) fn kpis(instance: &Instance, occ: &Occupancy, cov: &Coverage) -> Kpis {
    let o = &instance.objective();
    let slots = occ.slots;
    let g_max = o.max_presence_value();
    let (mut footfall, mut footfall_met, mut risk, mut risk_met) = (0.0, 0.0, 0.0, 0.0);
    let (mut risk_c1, mut risk_c2, mut incidents) = (0.0, 0.0, 0.0);
    for (r, region) in instance.regions().iter().enumerate() {
        for s in 0..slots {
            let i = r * slots + s;
            let (f, q) = (region.footfall[s], region.risk[s]);
            footfall += f;
            risk += q;
            if occ.patrols[i] >= 1 {
                footfall_met += f;
                risk_met += q;
            }
            if cov.c1[i] {
                risk_c1 += q;
            }
            if cov.c2[i] {
                risk_c2 += q;
            }
            if g_max != 0.0 {
                incidents += q * (1.0 - o.deterrence * o.presence_value(occ.presence[i]) / g_max);
            }
        }
    }
    let mut hours = [0.0; 3];
    let mut worked_sum = [0usize; 3];
    let mut available_sum = [0usize; 3];
    let mut worked_by_team: [Vec<usize>; 3] = Default::default();
    for (k, team) in instance.teams().iter().enumerate() {
        let b = bucket(team.kind, team.volunteer);
        let worked = occ.worked_in_horizon(k);
        hours[b] +=
            team.members as f64 * worked as f64 * instance.horizon().slot_minutes as f64 / 60.0;
        worked_sum[b] += worked;
        available_sum[b] += team.available_slots();
        worked_by_team[b].push(worked);
    }
    Kpis {
        meeting_rate: share(footfall_met, footfall),
        risk_coverage: share(risk_met, risk),
        response_coverage: share(risk_c1, risk),
        backup_coverage: share(risk_c2, risk),
        expected_preventable_incidents: (g_max != 0.0).then_some(incidents),
        personnel_hours: by_kind(hours),
        utilisation: by_kind(
            [0, 1, 2].map(|b| share(worked_sum[b] as f64, available_sum[b] as f64)),
        ),
        worked_slots_spread: by_kind(worked_by_team.map(spread)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_of_odd_even_and_empty() {
        assert_eq!(spread(vec![]), None);
        assert_eq!(
            spread(vec![5, 1, 3]),
            Some(Spread {
                min: 1.0,
                median: 3.0,
                max: 5.0
            })
        );
        assert_eq!(
            spread(vec![4, 0, 8, 2]),
            Some(Spread {
                min: 0.0,
                median: 3.0,
                max: 8.0
            })
        );
    }
}
