//! Multipliers read off a primal schedule (a warm start for the Lagrangian bound).
//!
//! Complementary slackness: at an optimal plan and optimal prices, a presence price is
//! the marginal value of presence where the plan stands, and a cover price is positive
//! only where the cover constraint is tight (exactly one team in response range, exactly
//! two in backup range). So a good schedule suggests good prices. Any prices `>= 0` give
//! a valid bound; the hint only decides where the search starts.

use crate::model::{Instance, TeamKind};
use crate::schedule::Schedule;

/// What a schedule puts in each region-slot (`r * slots + s`).
pub struct HintCounts {
    /// `P[r,s]`, summed effectiveness of patrol teams.
    pub presence: Vec<f64>,
    /// Mobile teams within the response standard.
    pub n1: Vec<f64>,
    /// Mobile teams within the backup standard.
    pub n2: Vec<f64>,
}

/// Counts of a schedule; out-of-horizon slots, unknown locations and locations out of
/// reach are ignored (the hint need not be feasible).
pub fn hint_counts(inst: &Instance, hint: &Schedule) -> HintCounts {
    let slots = inst.slots();
    let n = inst.regions().len() * slots;
    let mut c = HintCounts {
        presence: vec![0.0; n],
        n1: vec![0.0; n],
        n2: vec![0.0; n],
    };
    for (k, shifts) in hint.shifts.iter().enumerate().take(inst.teams().len()) {
        let team = &inst.teams()[k];
        let locs = inst.reach().locations(k);
        for shift in shifts {
            for (i, &l) in shift.at.iter().enumerate() {
                let s = shift.start.saturating_add(i);
                if s >= slots || locs.binary_search(&l).is_err() {
                    continue;
                }
                match team.kind {
                    TeamKind::Patrol => c.presence[l as usize * slots + s] += team.effectiveness,
                    TeamKind::Mobile => {
                        for &r in inst.reach().response_regions(k, l as usize) {
                            c.n1[r as usize * slots + s] += 1.0;
                        }
                        for &r in inst.reach().backup_regions(k, l as usize) {
                            c.n2[r as usize * slots + s] += 1.0;
                        }
                    }
                }
            }
        }
    }
    c
}

/// Presence price at presence `p`: the marginal value `w * m_j` of the segment the next
/// unit falls in; at an integer `p` (a breakpoint) `tilt` in `[0, 1]` interpolates
/// between the next unit's marginal (`0`) and the last unit's (`1`).
pub fn presence_price(weight: f64, marginals: &[f64], p: f64, tilt: f64) -> f64 {
    let m = |j: usize| marginals.get(j).copied().unwrap_or(0.0);
    let rounded = p.round();
    if (p - rounded).abs() < 1e-9 {
        let j = rounded.max(0.0) as usize;
        let last = if j == 0 { m(0) } else { m(j - 1) };
        weight * ((1.0 - tilt) * m(j) + tilt * last)
    } else {
        weight * m(p.max(0.0).floor() as usize)
    }
}

/// Cover price of a constraint `need * c <= N` worth `value`: positive only where the
/// hint makes it tight (`N == need`), then `value / need`.
pub fn cover_price(value: f64, count: f64, need: f64) -> f64 {
    if (count - need).abs() < 1e-9 {
        value / need
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_price_follows_the_segments() {
        let m = [1.0, 0.5, 0.25];
        assert_eq!(presence_price(2.0, &m, 0.5, 0.5), 2.0);
        assert_eq!(presence_price(2.0, &m, 1.5, 0.5), 1.0);
        assert_eq!(presence_price(2.0, &m, 1.0, 0.0), 1.0);
        assert_eq!(presence_price(2.0, &m, 1.0, 1.0), 2.0);
        assert_eq!(presence_price(2.0, &m, 0.0, 0.5), 2.0);
        assert_eq!(presence_price(2.0, &m, 3.0, 0.0), 0.0);
        assert_eq!(presence_price(2.0, &m, 4.5, 0.5), 0.0);
    }

    #[test]
    fn cover_price_only_where_tight() {
        assert_eq!(cover_price(3.0, 1.0, 1.0), 3.0);
        assert_eq!(cover_price(3.0, 2.0, 1.0), 0.0);
        assert_eq!(cover_price(3.0, 2.0, 2.0), 1.5);
        assert_eq!(cover_price(3.0, 0.0, 2.0), 0.0);
    }
}
