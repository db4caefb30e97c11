//! Seeded random maximal-covering instances (one slot, mobile teams only), with the
//! sizes of the classic benchmarks (Swain's 55 nodes, the 324- and 818-node sets of
//! Lorena & Pereira), for tests, benches and the measurements in `docs/siting.md`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::SlotSiting;
use crate::model::Instance;

/// Size and geometry of a random covering instance.
#[derive(Debug, Clone, Copy)]
pub struct CoveringSpec {
    /// Demand points (regions), uniform in a square of `side_km`.
    pub demand: usize,
    /// Candidate sites (posts): the first `sites` demand points, as in the classic sets.
    pub sites: usize,
    /// Facilities (identical mobile teams) to place.
    pub facilities: usize,
    /// Side of the square, km.
    pub side_km: f64,
    /// Response cover radius, km (the response standard is 5 minutes).
    pub response_km: f64,
    /// Backup cover radius, km.
    pub backup_km: f64,
    /// Weight of backup cover (0 gives the pure maximal covering problem).
    pub backup_weight: f64,
    /// Teams per post.
    pub capacity: u32,
    /// Seed of the point and weight draw.
    pub seed: u64,
}

impl CoveringSpec {
    /// A pure maximal covering instance (no backup value, capacity 1).
    pub fn mclp(demand: usize, facilities: usize, response_km: f64, seed: u64) -> Self {
        CoveringSpec {
            demand,
            sites: demand,
            facilities,
            side_km: 40.0,
            response_km,
            backup_km: 2.0 * response_km,
            backup_weight: 0.0,
            capacity: 1,
            seed,
        }
    }

    /// The instance as `patrolplan.instance.v1` JSON (haversine travel, detour 1).
    pub fn to_json(&self) -> serde_json::Value {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let (lon0, lat0): (f64, f64) = (118.6, 31.9);
        let km_per_deg_lat = 111.195;
        let km_per_deg_lon = km_per_deg_lat * lat0.to_radians().cos();
        let points: Vec<[f64; 2]> = (0..self.demand)
            .map(|_| {
                let x: f64 = rng.random::<f64>() * self.side_km;
                let y: f64 = rng.random::<f64>() * self.side_km;
                [lon0 + x / km_per_deg_lon, lat0 + y / km_per_deg_lat]
            })
            .collect();
        let regions: Vec<_> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let risk = rng.random_range(1..=100) as f64;
                json!({"id": format!("R{i}"), "location": p, "risk": risk})
            })
            .collect();
        let posts: Vec<_> = points[..self.sites]
            .iter()
            .enumerate()
            .map(|(j, p)| json!({"id": format!("P{j}"), "location": p, "capacity": self.capacity}))
            .collect();
        let response_minutes = 5.0;
        let speed = self.response_km / response_minutes * 60.0;
        let backup_minutes = self.backup_km / speed * 60.0;
        let centre = [
            lon0 + self.side_km / 2.0 / km_per_deg_lon,
            lat0 + self.side_km / 2.0 / km_per_deg_lat,
        ];
        let teams: Vec<_> = (0..self.facilities)
            .map(|k| {
                json!({"id": format!("M{k}"), "kind": "mobile", "members": 6, "base": centre,
                       "speed_kmh": speed, "rules": "standard"})
            })
            .collect();
        json!({
            "format": "patrolplan.instance.v1",
            "name": format!("covering-{}-{}-{}", self.demand, self.facilities, self.seed),
            "horizon": {"slot_minutes": 60, "slots": 1},
            "travel": {"model": "haversine", "detour_factor": 1.0},
            "regions": regions,
            "posts": posts,
            "shift_rules": {"standard": {"min_shift_slots": 1, "max_shift_slots": 1,
                "min_rest_slots": 1, "max_work_slots": 1, "max_hop_minutes": 1}},
            "teams": teams,
            "objective": {"response_minutes": response_minutes, "response_weight": 1.0,
                          "backup_minutes": backup_minutes, "backup_weight": self.backup_weight}
        })
    }

    /// The validated instance.
    ///
    /// # Panics
    /// Never for valid specs (positive sizes and radii); the JSON is built to be valid.
    pub fn instance(&self) -> Instance {
        Instance::from_json(&self.to_json().to_string()).expect("generated instance is valid")
    }
}

/// Slot 0 of `instance` with every mobile team allowed every post in its reach.
pub fn whole_problem(instance: &Instance) -> SlotSiting<'_> {
    let teams = instance
        .teams()
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == crate::model::TeamKind::Mobile)
        .map(|(k, _)| (k, instance.reach().locations(k).to_vec()))
        .collect();
    SlotSiting {
        instance,
        slot: 0,
        teams,
    }
}
