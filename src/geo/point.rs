//! Points in WGS84 degrees and great-circle distances.

use geo::{Centroid, Contains, InteriorPoint, MultiPolygon, Point};

/// Mean Earth radius used by the haversine travel model, in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km between two `[longitude, latitude]` points (haversine).
pub fn great_circle_km(a: Point<f64>, b: Point<f64>) -> f64 {
    let (lat1, lat2) = (a.y().to_radians(), b.y().to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.x() - a.x()).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

/// The point of a region without an explicit location: the boundary's centroid when it
/// lies inside the boundary, else an interior point (so that a crescent-shaped street
/// is still represented by a point in the street).
pub fn region_point(boundary: &MultiPolygon<f64>) -> Option<Point<f64>> {
    match boundary.centroid() {
        Some(c) if boundary.contains(&c) => Some(c),
        _ => boundary.interior_point(),
    }
}

/// Unit-sphere coordinates scaled to km, so that straight-line (chord) distance grows
/// monotonically with great-circle distance and an R-tree can prefilter by radius.
pub fn to_xyz_km(p: Point<f64>) -> [f64; 3] {
    let (lat, lon) = (p.y().to_radians(), p.x().to_radians());
    [
        EARTH_RADIUS_KM * lat.cos() * lon.cos(),
        EARTH_RADIUS_KM * lat.cos() * lon.sin(),
        EARTH_RADIUS_KM * lat.sin(),
    ]
}

/// Chord length (km) that corresponds to a great-circle distance (km), padded so the
/// prefilter never drops a point the exact test would accept.
pub fn chord_for_km(km: f64) -> f64 {
    let half_angle = (km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2);
    2.0 * EARTH_RADIUS_KM * half_angle.sin() * (1.0 + 1e-9) + 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanjing_to_suzhou_matches_hand_computation() {
        // Hand computation with R = 6371 km: dlat = -0.5437 deg, dlon = 1.8111 deg,
        // h = sin^2(dlat/2) + cos(lat1) cos(lat2) sin^2(dlon/2) = 2.03497e-4,
        // d = 2 R asin(sqrt h) = 181.774 km.
        let nanjing = Point::new(118.8485, 31.9242);
        let suzhou = Point::new(120.6596, 31.3805);
        let d = great_circle_km(nanjing, suzhou);
        assert!((d - 181.774).abs() < 1e-3, "got {d}");
    }

    #[test]
    fn zero_distance_and_symmetry() {
        let a = Point::new(118.0, 32.0);
        let b = Point::new(119.0, 33.0);
        assert_eq!(great_circle_km(a, a), 0.0);
        assert!((great_circle_km(a, b) - great_circle_km(b, a)).abs() < 1e-12);
    }

    #[test]
    fn one_degree_of_latitude() {
        let d = great_circle_km(Point::new(0.0, 0.0), Point::new(0.0, 1.0));
        assert!((d - EARTH_RADIUS_KM * std::f64::consts::PI / 180.0).abs() < 1e-9);
    }
}
