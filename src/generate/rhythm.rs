//! What kind of place a street is, and how its footfall and risk rise and fall over the
//! day and the week (the horizon starts on a Monday at 00:00).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::geography::Street;
use super::numbers::sig;

/// The dominant kind of place in a street; decides its rhythm and requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegionKind {
    /// Homes: commuter shoulders, busy weekend days.
    Residential,
    /// Schools: gate peaks 7-9 and 15-17 on weekdays.
    School,
    /// Rail / bus station: commuter peaks, Friday and Sunday evening travel.
    Station,
    /// Shopping: afternoons and evenings, much busier at weekends.
    Mall,
    /// Bars and night markets: evenings and late nights, Friday and Saturday above all.
    Nightlife,
}

impl RegionKind {
    /// Lower-case name, used in region names.
    pub fn name(self) -> &'static str {
        match self {
            RegionKind::Residential => "residential",
            RegionKind::School => "school",
            RegionKind::Station => "station",
            RegionKind::Mall => "mall",
            RegionKind::Nightlife => "nightlife",
        }
    }

    /// Visitors drawn per resident, relative to a residential street.
    fn attraction(self) -> f64 {
        match self {
            RegionKind::Residential => 0.8,
            RegionKind::School => 1.0,
            RegionKind::Station => 3.0,
            RegionKind::Mall => 3.0,
            RegionKind::Nightlife => 2.0,
        }
    }

    /// Incidents per visitor, relative to a residential street.
    fn hazard(self) -> f64 {
        match self {
            RegionKind::Residential => 1.0,
            RegionKind::School => 0.8,
            RegionKind::Station => 1.8,
            RegionKind::Mall => 1.6,
            RegionKind::Nightlife => 2.2,
        }
    }

    /// Hour-of-day footfall shape (0..=1) on weekdays and at weekends.
    fn shape(self) -> (&'static [f64; 24], &'static [f64; 24]) {
        match self {
            RegionKind::Residential => (&RESIDENTIAL_WEEKDAY, &RESIDENTIAL_WEEKEND),
            RegionKind::School => (&SCHOOL_WEEKDAY, &SCHOOL_WEEKEND),
            RegionKind::Station => (&STATION_WEEKDAY, &STATION_WEEKEND),
            RegionKind::Mall => (&MALL_WEEKDAY, &MALL_WEEKEND),
            RegionKind::Nightlife => (&NIGHTLIFE_WEEKDAY, &NIGHTLIFE_WEEKDAY),
        }
    }
}

#[rustfmt::skip]
const RESIDENTIAL_WEEKDAY: [f64; 24] = [0.10, 0.06, 0.05, 0.05, 0.06, 0.15, 0.40, 0.80, 0.70, 0.45, 0.40, 0.45,
    0.50, 0.45, 0.40, 0.45, 0.55, 0.80, 0.95, 0.90, 0.75, 0.55, 0.35, 0.20];
#[rustfmt::skip]
const RESIDENTIAL_WEEKEND: [f64; 24] = [0.15, 0.10, 0.06, 0.05, 0.05, 0.08, 0.20, 0.35, 0.50, 0.65, 0.75, 0.75,
    0.70, 0.70, 0.75, 0.80, 0.85, 0.85, 0.90, 0.90, 0.80, 0.60, 0.40, 0.25];
#[rustfmt::skip]
const SCHOOL_WEEKDAY: [f64; 24] = [0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.20, 1.00, 0.90, 0.50, 0.40, 0.50,
    0.60, 0.50, 0.40, 0.90, 1.00, 0.70, 0.40, 0.25, 0.15, 0.10, 0.05, 0.03];
#[rustfmt::skip]
const SCHOOL_WEEKEND: [f64; 24] = [0.05, 0.04, 0.03, 0.03, 0.03, 0.04, 0.10, 0.15, 0.25, 0.35, 0.40, 0.40,
    0.35, 0.35, 0.40, 0.40, 0.40, 0.40, 0.40, 0.35, 0.30, 0.20, 0.12, 0.08];
#[rustfmt::skip]
const STATION_WEEKDAY: [f64; 24] = [0.10, 0.05, 0.03, 0.03, 0.05, 0.20, 0.55, 1.00, 1.00, 0.65, 0.50, 0.50,
    0.55, 0.50, 0.50, 0.55, 0.70, 1.00, 1.00, 0.70, 0.50, 0.40, 0.30, 0.20];
#[rustfmt::skip]
const STATION_WEEKEND: [f64; 24] = [0.10, 0.05, 0.03, 0.03, 0.04, 0.10, 0.25, 0.40, 0.55, 0.65, 0.70, 0.70,
    0.70, 0.70, 0.70, 0.70, 0.75, 0.75, 0.70, 0.60, 0.50, 0.40, 0.30, 0.20];
#[rustfmt::skip]
const MALL_WEEKDAY: [f64; 24] = [0.05, 0.03, 0.02, 0.02, 0.02, 0.03, 0.05, 0.08, 0.12, 0.20, 0.45, 0.55,
    0.65, 0.60, 0.55, 0.55, 0.60, 0.70, 0.85, 0.90, 0.80, 0.60, 0.30, 0.10];
#[rustfmt::skip]
const MALL_WEEKEND: [f64; 24] = [0.06, 0.04, 0.02, 0.02, 0.02, 0.03, 0.05, 0.10, 0.20, 0.45, 0.80, 0.95,
    1.00, 1.00, 1.00, 1.00, 1.00, 0.95, 0.95, 0.90, 0.80, 0.60, 0.30, 0.12];
#[rustfmt::skip]
const NIGHTLIFE_WEEKDAY: [f64; 24] = [0.60, 0.45, 0.30, 0.15, 0.06, 0.04, 0.05, 0.10, 0.15, 0.15, 0.20, 0.30,
    0.35, 0.30, 0.25, 0.25, 0.30, 0.40, 0.55, 0.70, 0.80, 0.85, 0.80, 0.70];

/// Day of the week (0 = Monday) and hour of slot `s` of 60 minutes.
fn day_hour(s: usize) -> (usize, usize) {
    ((s / 24) % 7, s % 24)
}

/// Friday and Saturday nights (18:00 to 04:00 the next morning).
fn weekend_night(day: usize, hour: usize) -> bool {
    (matches!(day, 4 | 5) && hour >= 18) || (matches!(day, 5 | 6) && hour < 4)
}

/// Footfall shape of a kind in slot `s`, 0..=~1.8.
pub fn footfall_shape(kind: RegionKind, s: usize) -> f64 {
    let (day, hour) = day_hour(s);
    let (weekday, weekend) = kind.shape();
    let base = if day >= 5 {
        weekend[hour]
    } else {
        weekday[hour]
    };
    let boost = match kind {
        RegionKind::Nightlife if weekend_night(day, hour) => 1.8,
        RegionKind::Station
            if (day == 4 && (16..21).contains(&hour)) || (day == 6 && (15..22).contains(&hour)) =>
        {
            1.3
        }
        _ => 1.0,
    };
    base * boost
}

/// How much more dangerous an hour is than its footfall says: darkness and late nights.
fn night(hour: usize) -> f64 {
    match hour {
        22 | 23 | 0..=3 => 1.0,
        20 | 21 | 4 | 5 => 0.5,
        _ => 0.15,
    }
}

/// Risk shape of a kind in slot `s`: street crime follows people; violence and
/// burglary follow the night (and empty homes on weekday working hours).
pub fn risk_shape(kind: RegionKind, s: usize) -> f64 {
    let (day, hour) = day_hour(s);
    let people = footfall_shape(kind, s);
    match kind {
        RegionKind::Nightlife => {
            let late = if weekend_night(day, hour) { 1.5 } else { 1.0 };
            0.4 * people + 0.6 * night(hour) * late
        }
        RegionKind::Residential => {
            let empty_homes = if day < 5 && (9..17).contains(&hour) {
                0.3
            } else {
                0.0
            };
            0.5 * people + 0.35 * night(hour) + empty_homes
        }
        _ => 0.65 * people + 0.35 * night(hour),
    }
}

/// Draws each street's kind: shops, stations and nightlife crowd into central streets.
/// Every kind appears at least once when there are enough streets.
pub fn assign_kinds(streets: &[Street], rng: &mut ChaCha8Rng) -> Vec<RegionKind> {
    let mut kinds: Vec<RegionKind> = streets
        .iter()
        .map(|s| {
            let c = s.centrality;
            let odds = [
                (RegionKind::Nightlife, 0.03 + 0.12 * c),
                (RegionKind::Mall, 0.05 + 0.12 * c),
                (RegionKind::Station, 0.05 + 0.06 * c),
                (RegionKind::School, 0.18),
            ];
            let mut u: f64 = rng.random();
            for (kind, p) in odds {
                if u < p {
                    return kind;
                }
                u -= p;
            }
            RegionKind::Residential
        })
        .collect();
    let all = [
        RegionKind::School,
        RegionKind::Station,
        RegionKind::Mall,
        RegionKind::Nightlife,
    ];
    for kind in all {
        if streets.len() > all.len() && !kinds.contains(&kind) {
            // Give the missing kind to the most central residential street left.
            let pick = (0..kinds.len())
                .filter(|&i| kinds[i] == RegionKind::Residential)
                .max_by(|&a, &b| {
                    streets[a]
                        .centrality
                        .total_cmp(&streets[b].centrality)
                        .then(b.cmp(&a))
                });
            if let Some(i) = pick {
                kinds[i] = kind;
            }
        }
    }
    kinds
}

/// Per-slot footfall and risk of one street, rounded to 4 significant digits.
pub struct Series {
    /// People in public space in the street, per slot.
    pub footfall: Vec<f64>,
    /// Expected incidents in the street, per slot.
    pub risk: Vec<f64>,
}

/// Builds the series of a street; `slots` counts 60-minute slots from Monday 00:00. The
/// risk is multiplied by `hot_spot` (the grid presets' concentration of crime in a few
/// cells; 1 for streets, which leaves their bytes as they were).
pub fn series(
    street: &Street,
    kind: RegionKind,
    slots: usize,
    hot_spot: f64,
    rng: &mut ChaCha8Rng,
) -> Series {
    let central = 1.0 + 1.5 * street.centrality;
    let people =
        street.population * 0.08 * kind.attraction() * central * rng.random_range(0.8..1.25);
    // About two street-level incidents a day in a central street of 20,000 residents.
    let incidents = 0.02
        * (street.population / 20_000.0).powf(0.7)
        * kind.hazard()
        * central
        * rng.random_range(0.8..1.25)
        * hot_spot;
    let mut footfall = Vec::with_capacity(slots);
    let mut risk = Vec::with_capacity(slots);
    for s in 0..slots {
        footfall.push(sig(
            people * footfall_shape(kind, s) * rng.random_range(0.9..1.1),
            4,
        ));
        risk.push(sig(
            incidents * risk_shape(kind, s) * rng.random_range(0.9..1.1),
            4,
        ));
    }
    Series { footfall, risk }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rhythms_have_their_peaks() {
        // Monday 08:00 vs Monday 03:00 at a station.
        assert!(
            footfall_shape(RegionKind::Station, 8) > 5.0 * footfall_shape(RegionKind::Station, 3)
        );
        // Saturday 15:00 at a mall is busier than Tuesday 15:00.
        assert!(
            footfall_shape(RegionKind::Mall, 5 * 24 + 15)
                > footfall_shape(RegionKind::Mall, 24 + 15)
        );
        // Saturday 01:00 (Friday night) nightlife is riskier than Tuesday 01:00.
        assert!(
            risk_shape(RegionKind::Nightlife, 5 * 24 + 1)
                > risk_shape(RegionKind::Nightlife, 24 + 1)
        );
        // Schools are quiet at weekends.
        assert!(
            footfall_shape(RegionKind::School, 7)
                > 2.0 * footfall_shape(RegionKind::School, 5 * 24 + 7)
        );
        // Nightlife is riskier at 23:00 than at 10:00.
        assert!(risk_shape(RegionKind::Nightlife, 23) > risk_shape(RegionKind::Nightlife, 10));
    }
}
