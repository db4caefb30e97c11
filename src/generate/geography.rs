//! Streets and posts around real city and district centres.
//!
//! A preset is a list of [`Centre`]s (districts or urban cores), each with a real centre,
//! land area and census population, and a number of streets. Streets are scattered
//! around their centre, denser near it, with best-candidate sampling so that they keep
//! their distance from each other. Each street gets a small star-shaped polygon (6-10
//! vertices) that never reaches half-way to its nearest neighbour, so polygons never
//! overlap and are smaller where streets are dense.

use std::f64::consts::PI;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::numbers::coord;

/// Kilometres per degree of latitude.
pub(super) const KM_PER_DEG_LAT: f64 = 110.574;
/// Kilometres per degree of longitude at the equator.
pub(super) const KM_PER_DEG_LON: f64 = 111.320;

/// A district or urban core that streets are placed around.
#[derive(Debug, Clone)]
pub struct Centre {
    /// Region `group` (district for Nanjing presets, city for Jiangsu).
    pub group: String,
    /// Short label used in street names.
    pub label: String,
    /// Centre longitude, degrees.
    pub lon: f64,
    /// Centre latitude, degrees.
    pub lat: f64,
    /// Land area the streets spread over, km².
    pub area_km2: f64,
    /// Residents spread over the streets.
    pub population: f64,
    /// How urban the centre is, in (0, 1]: 1 for a dense city core.
    pub rank: f64,
    /// Number of streets to place.
    pub streets: usize,
}

/// A street (township-level unit) before its risk and teams are decided.
#[derive(Debug, Clone)]
pub struct Street {
    /// Region group.
    pub group: String,
    /// Display name.
    pub name: String,
    /// Point (longitude, latitude), rounded.
    pub lon: f64,
    /// Latitude, rounded.
    pub lat: f64,
    /// Closed polygon ring, rounded.
    pub ring: Vec<[f64; 2]>,
    /// Residents.
    pub population: f64,
    /// Residents per km² of the street's territory.
    pub density: f64,
    /// 1 at a dense city centre, falling towards the edge of town.
    pub centrality: f64,
}

/// A stand-by post.
#[derive(Debug, Clone)]
pub struct PostSite {
    /// Street the post lies in.
    pub street: usize,
    /// Longitude, rounded.
    pub lon: f64,
    /// Latitude, rounded.
    pub lat: f64,
}

/// Planar distance in km between two points a few hundred km apart at most.
pub fn planar_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let mid = ((a.1 + b.1) / 2.0).to_radians().cos();
    let dx = (a.0 - b.0) * KM_PER_DEG_LON * mid;
    let dy = (a.1 - b.1) * KM_PER_DEG_LAT;
    (dx * dx + dy * dy).sqrt()
}

/// The point `dx` km east and `dy` km north of `(lon, lat)`.
fn offset(lon: f64, lat: f64, dx: f64, dy: f64) -> (f64, f64) {
    (
        lon + dx / (KM_PER_DEG_LON * lat.to_radians().cos()),
        lat + dy / KM_PER_DEG_LAT,
    )
}

/// Places every centre's streets; returns them in centre order.
pub fn place_streets(centres: &[Centre], rng: &mut ChaCha8Rng) -> Vec<Street> {
    const CANDIDATES: usize = 10;
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut owner: Vec<(usize, f64)> = Vec::new(); // (centre, distance from centre / radius)
    for (ci, c) in centres.iter().enumerate() {
        let radius = (c.area_km2 / PI).sqrt();
        let spacing = (c.area_km2 / c.streets.max(1) as f64).sqrt();
        for _ in 0..c.streets {
            let mut best: Option<(f64, (f64, f64), f64)> = None;
            for _ in 0..CANDIDATES {
                // An exponent above 1/2 crowds streets towards the centre.
                let rel = rng.random::<f64>().powf(0.8);
                let angle = rng.random::<f64>() * 2.0 * PI;
                let p = offset(
                    c.lon,
                    c.lat,
                    rel * radius * angle.cos(),
                    rel * radius * angle.sin(),
                );
                let local = spacing * (0.45 + 0.9 * rel);
                let nearest = points
                    .iter()
                    .map(|q| planar_km(p, *q))
                    .fold(f64::INFINITY, f64::min);
                let score = nearest / local;
                if best.is_none_or(|(s, _, _)| score > s) {
                    best = Some((score, p, rel));
                }
            }
            let (_, p, rel) = best.expect("at least one candidate");
            points.push((coord(p.0), coord(p.1)));
            owner.push((ci, rel));
        }
    }
    let nearest: Vec<f64> = (0..points.len())
        .map(|i| {
            (0..points.len())
                .filter(|&j| j != i)
                .map(|j| planar_km(points[i], points[j]))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    spread_population(centres, &points, &owner, &nearest, rng)
}

fn spread_population(
    centres: &[Centre],
    points: &[(f64, f64)],
    owner: &[(usize, f64)],
    nearest: &[f64],
    rng: &mut ChaCha8Rng,
) -> Vec<Street> {
    let mut streets = Vec::with_capacity(points.len());
    let mut start = 0;
    for c in centres {
        let members = start..start + c.streets;
        start += c.streets;
        let pop_w: Vec<f64> = members
            .clone()
            .map(|i| (-1.5 * owner[i].1).exp() * rng.random_range(0.7..1.3))
            .collect();
        let area_w: Vec<f64> = members
            .clone()
            .map(|i| nearest[i].min(1e6).powi(2))
            .collect();
        let (pop_sum, area_sum): (f64, f64) = (pop_w.iter().sum(), area_w.iter().sum());
        let fair_radius = (c.area_km2 / c.streets.max(1) as f64 / PI).sqrt();
        for (k, i) in members.enumerate() {
            let population = (c.population * pop_w[k] / pop_sum).round();
            let territory = c.area_km2 * area_w[k] / area_sum;
            let polygon_radius = (0.45 * nearest[i]).min(0.9 * fair_radius).max(0.05);
            let (lon, lat) = points[i];
            streets.push(Street {
                group: c.group.clone(),
                name: format!("{} {:02}", c.label, k + 1),
                lon,
                lat,
                ring: polygon(lon, lat, polygon_radius, rng),
                population,
                density: population / territory.max(0.01),
                centrality: c.rank * (-2.0 * owner[i].1).exp(),
            });
        }
    }
    streets
}

/// A star-shaped polygon of 6-10 vertices within `radius` km of the centre, closed.
fn polygon(lon: f64, lat: f64, radius: f64, rng: &mut ChaCha8Rng) -> Vec<[f64; 2]> {
    let n = rng.random_range(6..=10);
    let step = 2.0 * PI / n as f64;
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|j| {
            let angle = step * (j as f64 + rng.random_range(-0.3..0.3));
            let r = radius * rng.random_range(0.7..1.0);
            let (x, y) = offset(lon, lat, r * angle.cos(), r * angle.sin());
            [coord(x), coord(y)]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// Places `counts[i]` posts inside street `i`, near its point.
pub fn place_posts(streets: &[Street], counts: &[usize], rng: &mut ChaCha8Rng) -> Vec<PostSite> {
    let mut posts = Vec::new();
    for (i, s) in streets.iter().enumerate() {
        // The polygon's smallest vertex distance bounds where a post may stand.
        let inner = s
            .ring
            .iter()
            .map(|v| planar_km((s.lon, s.lat), (v[0], v[1])))
            .fold(f64::INFINITY, f64::min);
        for _ in 0..counts[i] {
            let r = inner * 0.6 * rng.random::<f64>().sqrt();
            let angle = rng.random::<f64>() * 2.0 * PI;
            let (lon, lat) = offset(s.lon, s.lat, r * angle.cos(), r * angle.sin());
            posts.push(PostSite {
                street: i,
                lon: coord(lon),
                lat: coord(lat),
            });
        }
    }
    posts
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn centre(streets: usize) -> Centre {
        Centre {
            group: "Xuanwu".into(),
            label: "Xuanwu".into(),
            lon: 118.7978,
            lat: 32.0485,
            area_km2: 75.5,
            population: 537_825.0,
            rank: 1.0,
            streets,
        }
    }

    #[test]
    fn streets_stay_near_their_centre_and_keep_population() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let streets = place_streets(&[centre(8)], &mut rng);
        assert_eq!(streets.len(), 8);
        let radius = (75.5 / PI).sqrt();
        for s in &streets {
            assert!(planar_km((s.lon, s.lat), (118.7978, 32.0485)) <= radius + 0.01);
            assert!((7..=11).contains(&s.ring.len()));
            assert_eq!(s.ring.first(), s.ring.last());
        }
        let pop: f64 = streets.iter().map(|s| s.population).sum();
        assert!((pop - 537_825.0).abs() <= 8.0);
    }

    #[test]
    fn polygons_do_not_reach_half_way_to_a_neighbour() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let streets = place_streets(&[centre(12)], &mut rng);
        for (i, a) in streets.iter().enumerate() {
            for b in &streets[i + 1..] {
                let d = planar_km((a.lon, a.lat), (b.lon, b.lat));
                let reach = |s: &Street| {
                    s.ring
                        .iter()
                        .map(|v| planar_km((s.lon, s.lat), (v[0], v[1])))
                        .fold(0.0, f64::max)
                };
                assert!(reach(a) + reach(b) < d, "polygons overlap");
            }
        }
    }
}
