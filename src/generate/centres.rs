//! The centres each preset places its streets around.
//!
//! Nanjing presets use the 11 district seats. `jiangsu` uses Nanjing's districts for
//! Nanjing and, for the other 12 cities (whose district seats are not in the reference
//! data), the real city centre as the urban core plus one sub-centre per remaining
//! county-level unit, set on a ring around the core at seeded angles.

use std::f64::consts::PI;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::geography::Centre;
use super::numbers::apportion;
use super::reference::{jiangsu_cities, nanjing_districts, Place};

/// Streets of the `nanjing` preset.
pub const NANJING_STREETS: usize = 100;
/// Streets of the `jiangsu` preset (Jiangsu has about 1,250 township-level units).
pub const JIANGSU_STREETS: usize = 1_250;
/// Nanjing's four central districts (the `small` preset).
const CENTRAL: [&str; 4] = ["Xuanwu", "Qinhuai", "Jianye", "Gulou"];

/// How many streets a place gets: more people and more land need more streets, people
/// far more than land.
fn street_weight(population: f64, area_km2: f64) -> f64 {
    population.powf(0.6) * area_km2.powf(0.15)
}

/// 1 for a city core of 10,000+ residents per km², less for thinner districts.
fn rank(population: f64, area_km2: f64) -> f64 {
    (population / area_km2 / 10_000.0).sqrt().clamp(0.3, 1.0)
}

fn district_centres(
    places: &[Place],
    group: Option<&str>,
    total: usize,
    min: usize,
) -> Vec<Centre> {
    let weights: Vec<f64> = places
        .iter()
        .map(|p| street_weight(p.population, p.area_km2))
        .collect();
    let counts = apportion(total, &weights, min);
    places
        .iter()
        .zip(counts)
        .map(|(p, streets)| Centre {
            group: group.unwrap_or(&p.name).to_string(),
            label: p.name.clone(),
            lon: p.lon,
            lat: p.lat,
            area_km2: p.area_km2,
            population: p.population,
            rank: rank(p.population, p.area_km2),
            streets,
        })
        .collect()
}

/// `tiny`: three streets in each of Xuanwu and Qinhuai, around the district seats
/// (the same street density as in `nanjing`, so a smaller area and population).
pub fn tiny() -> Vec<Centre> {
    let full = nanjing();
    full.into_iter()
        .filter(|c| c.group == "Xuanwu" || c.group == "Qinhuai")
        .map(|c| {
            let share = 3.0 / c.streets as f64;
            Centre {
                area_km2: c.area_km2 * share,
                population: (c.population * share).round(),
                streets: 3,
                ..c
            }
        })
        .collect()
}

/// `small`: 30 streets over Nanjing's four central districts.
pub fn small() -> Vec<Centre> {
    let places: Vec<Place> = nanjing_districts()
        .into_iter()
        .filter(|d| CENTRAL.contains(&d.name.as_str()))
        .collect();
    district_centres(&places, None, 30, 4)
}

/// `nanjing`: 100 streets over the 11 districts.
pub fn nanjing() -> Vec<Centre> {
    district_centres(&nanjing_districts(), None, NANJING_STREETS, 4)
}

/// `jiangsu`: 1,250 streets over the 13 cities.
pub fn jiangsu(rng: &mut ChaCha8Rng) -> Vec<Centre> {
    let cities = jiangsu_cities();
    let (pop, area): (f64, f64) = (
        cities.iter().map(|c| c.population).sum(),
        cities.iter().map(|c| c.area_km2).sum(),
    );
    // Township counts follow both people and land.
    let weights: Vec<f64> = cities
        .iter()
        .map(|c| c.population / pop + c.area_km2 / area)
        .collect();
    let per_city = apportion(JIANGSU_STREETS, &weights, 20);
    let mut centres = Vec::new();
    for (city, streets) in cities.iter().zip(per_city) {
        if city.name == "Nanjing" {
            centres.extend(district_centres(
                &nanjing_districts(),
                Some("Nanjing"),
                streets,
                2,
            ));
        } else {
            centres.extend(city_centres(city, streets, rng));
        }
    }
    centres
}

/// A city without district data: a core with 40% of the people on 12% of the land, and
/// the county-level sub-centres sharing the rest.
fn city_centres(city: &Place, streets: usize, rng: &mut ChaCha8Rng) -> Vec<Centre> {
    let subs = city.county_units.saturating_sub(1).max(1);
    let radius = (city.area_km2 / PI).sqrt();
    let mut places = vec![Place {
        name: format!("{} core", city.name),
        area_km2: city.area_km2 * 0.12,
        population: city.population * 0.40,
        ..city.clone()
    }];
    let phase = rng.random::<f64>() * 2.0 * PI;
    for k in 0..subs {
        let angle = phase + 2.0 * PI * k as f64 / subs as f64 + rng.random_range(-0.3..0.3);
        let dist = radius * rng.random_range(0.45..0.75);
        let lat = city.lat + dist * angle.sin() / 110.574;
        let lon = city.lon + dist * angle.cos() / (111.320 * city.lat.to_radians().cos());
        places.push(Place {
            name: format!("{} county {}", city.name, k + 1),
            lon,
            lat,
            area_km2: city.area_km2 * 0.88 / subs as f64,
            population: city.population * 0.60 / subs as f64,
            county_units: 0,
        });
    }
    let mut centres = district_centres(&places, Some(&city.name), streets, 2);
    for c in centres.iter_mut().skip(1) {
        // County towns are less central than the city core whatever their density.
        c.rank = c.rank.min(0.6);
    }
    centres
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn street_totals() {
        assert_eq!(tiny().iter().map(|c| c.streets).sum::<usize>(), 6);
        assert_eq!(small().iter().map(|c| c.streets).sum::<usize>(), 30);
        assert_eq!(nanjing().iter().map(|c| c.streets).sum::<usize>(), 100);
        let js = jiangsu(&mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(js.iter().map(|c| c.streets).sum::<usize>(), JIANGSU_STREETS);
        let groups: std::collections::BTreeSet<&str> =
            js.iter().map(|c| c.group.as_str()).collect();
        assert_eq!(groups.len(), 13);
        let pop: f64 = js.iter().map(|c| c.population).sum();
        assert!((84.0e6..86.0e6).contains(&pop));
    }
}
