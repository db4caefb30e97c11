//! Teams, reach and posts of the grid presets. The rules are the street presets' (see
//! `teams.rs`); what differs is scale: with 10,000+ cells the nearest-neighbour
//! questions go through an R-tree instead of all pairs, and posts stand at stations,
//! hospitals, schools and junctions of the grid.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::geography::{PostSite, Street, KM_PER_DEG_LAT, KM_PER_DEG_LON};
use super::numbers::coord;
use super::rhythm::RegionKind;
use super::teams::{self, minutes, PatrolBase, DETOUR};

type Indexed = GeomWithData<[f64; 2], usize>;

/// Planar km coordinates for nearest-neighbour ordering (Jiangsu spans 31-35°N).
fn planar(p: (f64, f64)) -> [f64; 2] {
    [
        p.0 * KM_PER_DEG_LON * 32.5f64.to_radians().cos(),
        p.1 * KM_PER_DEG_LAT,
    ]
}

/// An R-tree over points.
pub struct PointIndex {
    points: Vec<(f64, f64)>,
    tree: RTree<Indexed>,
}

impl PointIndex {
    /// Indexes `points` (longitude, latitude).
    pub fn new(points: Vec<(f64, f64)>) -> PointIndex {
        let tree = RTree::bulk_load(
            points
                .iter()
                .enumerate()
                .map(|(i, &p)| Indexed::new(planar(p), i))
                .collect(),
        );
        PointIndex { points, tree }
    }

    /// Whole minutes to the `k`-th nearest point (the point itself counts), clamped.
    pub fn reach(&self, from: (f64, f64), speed: f64, k: usize, lo: f64, hi: f64) -> f64 {
        // The k planar-nearest points; their largest travel time is the k-th smallest up
        // to the sub-percent difference between planar and great-circle distance.
        let kth = self
            .tree
            .nearest_neighbor_iter(&planar(from))
            .take(k)
            .map(|p| minutes(from, self.points[p.data], speed))
            .fold(0.0, f64::max);
        kth.ceil().clamp(lo, hi)
    }

    /// Indices of the points within `reach` minutes of `from` at `speed`, in order.
    pub fn within(&self, from: (f64, f64), speed: f64, reach: f64) -> Vec<usize> {
        // Great-circle and planar km differ by well under 5 % here; the exact test follows.
        let km = reach / 60.0 * speed / DETOUR * 1.05 + 0.5;
        let mut out: Vec<usize> = self
            .tree
            .locate_within_distance(planar(from), km * km)
            .map(|p| p.data)
            .filter(|&i| minutes(from, self.points[i], speed) <= reach)
            .collect();
        out.sort_unstable();
        out
    }
}

/// Spreads `total` professional teams over the cells (the street presets' weights,
/// no minimum per cell: there are fewer teams on duty than cells); returns the bases
/// that hold teams. Reach comes from the index, not all pairs.
pub fn patrol_bases(
    cells: &[Street],
    kinds: &[RegionKind],
    index: &PointIndex,
    total: usize,
) -> Vec<PatrolBase> {
    teams::patrol_bases(cells, kinds, total, 0, |s, class| {
        index.reach(
            (s.lon, s.lat),
            class.speed(),
            class.neighbours(),
            10.0,
            60.0,
        )
    })
}

/// Professional teams that can reach each cell from their base.
pub fn professionals_reaching(
    cells: &[Street],
    bases: &[PatrolBase],
    index: &PointIndex,
) -> Vec<usize> {
    let mut reaching = vec![0; cells.len()];
    for b in bases {
        let s = &cells[b.region];
        for i in index.within((s.lon, s.lat), b.speed, b.reach) {
            reaching[i] += b.count;
        }
    }
    reaching
}

/// The kind of place a post stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PostKind {
    /// A station cell's centre.
    Station,
    /// A hospital: the most populous cells of each district or city, one per 250,000
    /// residents.
    Hospital,
    /// A school cell, towards its north-east corner.
    School,
    /// A junction: the south-west corner of a dense (single-square) cell.
    Junction,
}

impl PostKind {
    fn weight(self) -> f64 {
        match self {
            PostKind::Station | PostKind::Hospital => 3.0,
            PostKind::School => 1.5,
            PostKind::Junction => 1.0,
        }
    }
}

/// Residents per hospital post candidate.
const RESIDENTS_PER_HOSPITAL: f64 = 250_000.0;

/// Picks `total` posts among the candidate sites by seeded weighted sampling without
/// replacement (weight: √residents × (1 + centrality) × the kind's weight); returns them
/// in cell order with their kind.
pub fn place_posts(
    cells: &[Street],
    kinds: &[RegionKind],
    dense: &[bool],
    total: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<(PostSite, PostKind)> {
    let mut candidates: Vec<(usize, PostKind)> = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        match k {
            RegionKind::Station => candidates.push((i, PostKind::Station)),
            RegionKind::School => candidates.push((i, PostKind::School)),
            _ => {}
        }
        if dense[i] {
            candidates.push((i, PostKind::Junction));
        }
    }
    // Hospitals: the most populous cells of each group.
    let mut groups: Vec<&str> = cells.iter().map(|c| c.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    for g in groups {
        let mut mine: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].group == g).collect();
        let people: f64 = mine.iter().map(|&i| cells[i].population).sum();
        mine.sort_by(|&a, &b| {
            cells[b]
                .population
                .total_cmp(&cells[a].population)
                .then(a.cmp(&b))
        });
        let n = (people / RESIDENTS_PER_HOSPITAL).ceil() as usize;
        candidates.extend(
            mine.into_iter()
                .take(n.max(1))
                .map(|i| (i, PostKind::Hospital)),
        );
    }
    candidates.sort_unstable();
    // Efraimidis-Spirakis: keep the `total` largest ln(u) / w.
    let mut keyed: Vec<(f64, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(n, &(i, kind))| {
            let s = &cells[i];
            let w = s.population.max(1.0).sqrt() * (1.0 + s.centrality) * kind.weight();
            let u: f64 = 1.0 - rng.random::<f64>();
            (u.ln() / w, n)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = keyed.iter().take(total).map(|&(_, n)| n).collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|n| {
            let (i, kind) = candidates[n];
            let s = &cells[i];
            let (w, so, e, no) = ring_box(&s.ring);
            let (lon, lat) = match kind {
                PostKind::Station => (s.lon, s.lat),
                PostKind::Hospital => (s.lon - 0.25 * (e - w), s.lat + 0.25 * (no - so)),
                PostKind::School => (s.lon + 0.25 * (e - w), s.lat + 0.25 * (no - so)),
                PostKind::Junction => (w, so),
            };
            (
                PostSite {
                    street: i,
                    lon: coord(lon),
                    lat: coord(lat),
                },
                kind,
            )
        })
        .collect()
}

/// West, south, east and north edges of a ring.
fn ring_box(ring: &[[f64; 2]]) -> (f64, f64, f64, f64) {
    ring.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(w, s, e, n), p| (w.min(p[0]), s.min(p[1]), e.max(p[0]), n.max(p[1])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_reach_and_within_agree_with_travel_minutes() {
        let pts: Vec<(f64, f64)> = (0..50)
            .map(|i| {
                (
                    118.7 + 0.01 * (i % 10) as f64,
                    32.0 + 0.01 * (i / 10) as f64,
                )
            })
            .collect();
        let index = PointIndex::new(pts.clone());
        let r = index.reach(pts[0], 20.0, 5, 1.0, 60.0);
        let mut t: Vec<f64> = pts.iter().map(|&p| minutes(pts[0], p, 20.0)).collect();
        t.sort_by(f64::total_cmp);
        assert!(r >= t[4] && r < t[4] + 1.0 + 1e-9);
        let within = index.within(pts[0], 20.0, r);
        let brute: Vec<usize> = (0..pts.len())
            .filter(|&i| minutes(pts[0], pts[i], 20.0) <= r)
            .collect();
        assert_eq!(within, brute);
    }
}
