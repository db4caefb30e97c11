//! Patrol grid cells for the grid presets (`nanjing-grid`, `jiangsu-grid`).
//!
//! A province (or city) is laid on a lattice of fine squares of [`FINE_KM`] a side, in a
//! local equirectangular projection. Cells are squares of 1, 2x2 or 4x4 fine squares:
//! small where many people live, large in the countryside. They are made in two passes
//! of the same flood fill:
//!
//! 1. every centre (district seat, city core, county town) claims fine squares around
//!    its seat until it holds its real land area; its census population is spread over
//!    them, denser near the seat. This gives a density for every fine square.
//! 2. The lattice is cut into tiles by that density (4x4 blocks whose mean density is
//!    below [`RURAL_DENSITY`], else 2x2 blocks below [`DENSE_DENSITY`], else single
//!    squares) and the flood runs again over whole tiles, so every cell is one tile of
//!    one centre. Population is spread again over the final territories.
//!
//! The flood is a capacity-limited growth from the seats: the free tile nearest to a
//! seat is claimed first, by that seat's centre, until the centre holds its land area (a
//! capacity-limited Voronoi diagram of the seats). A centre hemmed in by its neighbours
//! before it holds its area leaves the rest to the other centres of its district or
//! city. Ties break on indices, so the result is deterministic.

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap};
use std::f64::consts::PI;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::geography::{Centre, Street, KM_PER_DEG_LAT, KM_PER_DEG_LON};
use super::numbers::coord;

/// Side of a fine lattice square, km: a dense cell is 1 km², a town cell 4 km², a
/// rural cell 16 km² (grid patrol practice: about 1.5 km² in city cores, 10-25 km² in
/// the countryside).
pub const FINE_KM: f64 = 1.0;
/// Mean residents per km² from which a 2x2 block is cut into single squares.
pub const DENSE_DENSITY: f64 = 5_000.0;
/// Mean residents per km² below which a 4x4 block stays one rural cell.
pub const RURAL_DENSITY: f64 = 600.0;
/// Spread of the per-square population noise (log scale).
const POPULATION_NOISE: f64 = 0.35;

/// A patrol grid cell with its geography; `street` carries what the street presets'
/// rhythms, teams and requirements need (point, ring, population, density, centrality).
#[derive(Debug, Clone)]
pub struct Cell {
    /// The cell as a street-like place.
    pub street: Street,
    /// Land area, km² (true area at the cell's latitude).
    pub area_km2: f64,
    /// Fine squares per side: 1, 2 or 4.
    pub side: usize,
    /// Lattice column and row of the cell's south-west fine square.
    pub origin: (usize, usize),
}

/// The local projection and the fine lattice.
#[derive(Debug, Clone)]
pub struct Lattice {
    lon0: f64,
    lat0: f64,
    cos0: f64,
    /// Columns (a multiple of 4).
    pub width: usize,
    /// Rows (a multiple of 4).
    pub height: usize,
}

impl Lattice {
    fn around(centres: &[Centre]) -> Lattice {
        let lat_mid = centres.iter().map(|c| c.lat).sum::<f64>() / centres.len().max(1) as f64;
        let cos0 = lat_mid.to_radians().cos();
        let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for c in centres {
            // A centre's disc, with room for it to be pushed aside by its neighbours.
            let r = 2.0 * (c.area_km2 / PI).sqrt() + 4.0 * FINE_KM;
            let dx = r / (KM_PER_DEG_LON * cos0);
            let dy = r / KM_PER_DEG_LAT;
            lo = (lo.0.min(c.lon - dx), lo.1.min(c.lat - dy));
            hi = (hi.0.max(c.lon + dx), hi.1.max(c.lat + dy));
        }
        let block = 4.0 * FINE_KM;
        let w = ((hi.0 - lo.0) * KM_PER_DEG_LON * cos0 / block).ceil() as usize;
        let h = ((hi.1 - lo.1) * KM_PER_DEG_LAT / block).ceil() as usize;
        Lattice {
            lon0: lo.0,
            lat0: lo.1,
            cos0,
            width: 4 * w.max(1),
            height: 4 * h.max(1),
        }
    }

    /// Projected km of a point.
    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.lon0) * KM_PER_DEG_LON * self.cos0,
            (lat - self.lat0) * KM_PER_DEG_LAT,
        )
    }

    /// The point at projected km `(x, y)`.
    fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.lon0 + x / (KM_PER_DEG_LON * self.cos0),
            self.lat0 + y / KM_PER_DEG_LAT,
        )
    }

    fn index(&self, i: usize, j: usize) -> usize {
        j * self.width + i
    }

    /// Fine square holding projected point `(x, y)`, clamped into the lattice.
    fn square_at(&self, x: f64, y: f64) -> usize {
        let i = ((x / FINE_KM).floor().max(0.0) as usize).min(self.width - 1);
        let j = ((y / FINE_KM).floor().max(0.0) as usize).min(self.height - 1);
        self.index(i, j)
    }

    /// True area of fine square row `j`, km² (the projection keeps degrees, so squares
    /// shrink slightly towards the north).
    fn square_area(&self, j: usize) -> f64 {
        let (_, lat) = self.unproject(0.0, (j as f64 + 0.5) * FINE_KM);
        FINE_KM * FINE_KM * lat.to_radians().cos() / self.cos0
    }
}

/// A tile: a square block of fine squares that becomes one cell if claimed.
#[derive(Debug, Clone)]
struct Tile {
    i: usize,
    j: usize,
    side: usize,
}

impl Tile {
    fn squares<'a>(&'a self, lat: &'a Lattice) -> impl Iterator<Item = usize> + 'a {
        (self.j..self.j + self.side)
            .flat_map(move |j| (self.i..self.i + self.side).map(move |i| lat.index(i, j)))
    }

    fn centre_km(&self) -> (f64, f64) {
        let half = self.side as f64 / 2.0;
        (
            (self.i as f64 + half) * FINE_KM,
            (self.j as f64 + half) * FINE_KM,
        )
    }
}

/// A heap entry ordered so that the smallest key pops first, ties by centre then tile.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Claim {
    key: f64,
    centre: usize,
    tile: usize,
}

impl Eq for Claim {}

impl Ord for Claim {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .key
            .total_cmp(&self.key)
            .then(other.centre.cmp(&self.centre))
            .then(other.tile.cmp(&self.tile))
    }
}

impl PartialOrd for Claim {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Tiles and, for every fine square, the tile holding it.
struct Tiling {
    tiles: Vec<Tile>,
    tile_of: Vec<usize>,
}

impl Tiling {
    fn new(lat: &Lattice, tiles: Vec<Tile>) -> Tiling {
        let mut tile_of = vec![usize::MAX; lat.width * lat.height];
        for (t, tile) in tiles.iter().enumerate() {
            for sq in tile.squares(lat) {
                tile_of[sq] = t;
            }
        }
        Tiling { tiles, tile_of }
    }

    /// Tiles sharing an edge with tile `t`, in increasing order.
    fn neighbours(&self, lat: &Lattice, t: usize) -> BTreeSet<usize> {
        let tile = &self.tiles[t];
        let mut out = BTreeSet::new();
        let (i0, j0, n) = (tile.i as isize, tile.j as isize, tile.side as isize);
        let mut add = |i: isize, j: isize| {
            if i >= 0 && j >= 0 && (i as usize) < lat.width && (j as usize) < lat.height {
                let other = self.tile_of[lat.index(i as usize, j as usize)];
                if other != t {
                    out.insert(other);
                }
            }
        };
        for k in 0..n {
            add(i0 + k, j0 - 1);
            add(i0 + k, j0 + n);
            add(i0 - 1, j0 + k);
            add(i0 + n, j0 + k);
        }
        out
    }
}

/// Grows every centre's territory from its seat over whole tiles until it holds its
/// area; returns the owning centre of each tile (`usize::MAX` when unclaimed).
fn flood(
    lat: &Lattice,
    tiling: &Tiling,
    centres: &[Centre],
    head_start: &[f64],
) -> (Vec<usize>, Vec<f64>) {
    let n = tiling.tiles.len();
    let mut owner = vec![usize::MAX; n];
    let square_area = |t: usize| -> f64 {
        let tile = &tiling.tiles[t];
        (tile.j..tile.j + tile.side)
            .map(|j| lat.square_area(j) * tile.side as f64)
            .sum()
    };
    let mut held = vec![0.0; centres.len()];
    let seats: Vec<(f64, f64)> = centres.iter().map(|c| lat.project(c.lon, c.lat)).collect();
    // A centre whose seat lies in a claimed tile walks over claimed tiles until it finds
    // free ground; `walked` keeps it from walking in circles.
    let mut walked: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); centres.len()];
    let mut heap = BinaryHeap::new();
    for (c, &(x, y)) in seats.iter().enumerate() {
        heap.push(Claim {
            key: -head_start[c],
            centre: c,
            tile: tiling.tile_of[lat.square_at(x, y)],
        });
    }
    let key = |c: usize, t: usize| -> f64 {
        let (x, y) = tiling.tiles[t].centre_km();
        ((x - seats[c].0).powi(2) + (y - seats[c].1).powi(2)).sqrt() - head_start[c]
    };
    // Phase 1: each centre up to its own area. Phase 2: a centre hemmed in by its
    // neighbours before it held its area leaves the rest to the other centres of its
    // group (district or city), which grow on from their own frontiers.
    let groups: Vec<usize> = centres
        .iter()
        .map(|c| centres.iter().position(|d| d.group == c.group).unwrap_or(0))
        .collect();
    let mut group_area = vec![0.0; centres.len()];
    for (c, centre) in centres.iter().enumerate() {
        group_area[groups[c]] += centre.area_km2;
    }
    let mut group_held = vec![0.0; centres.len()];
    for phase in 0..2 {
        if phase == 1 {
            for t in 0..n {
                let c = owner[t];
                if c == usize::MAX || group_held[groups[c]] + 1e-9 >= group_area[groups[c]] {
                    continue;
                }
                for u in tiling.neighbours(lat, t) {
                    if owner[u] == usize::MAX {
                        heap.push(Claim {
                            key: key(c, u),
                            centre: c,
                            tile: u,
                        });
                    }
                }
            }
        }
        while let Some(Claim {
            centre: c, tile, ..
        }) = heap.pop()
        {
            let area = square_area(tile);
            let wanted = if phase == 0 {
                centres[c].area_km2 - held[c]
            } else {
                group_area[groups[c]] - group_held[groups[c]]
            };
            let free = owner[tile] == usize::MAX;
            if free && wanted < area / 2.0 {
                continue;
            }
            if !free && (held[c] > 0.0 || !walked[c].insert(tile)) {
                continue;
            }
            if free {
                owner[tile] = c;
                held[c] += area;
                group_held[groups[c]] += area;
            }
            for t in tiling.neighbours(lat, tile) {
                if owner[t] == usize::MAX || held[c] == 0.0 {
                    heap.push(Claim {
                        key: key(c, t),
                        centre: c,
                        tile: t,
                    });
                }
            }
        }
    }
    (owner, held)
}

/// Rounds of the flood that give hemmed-in centres a head start.
const HEAD_START_ROUNDS: usize = 8;

/// Runs the flood until every centre holds (nearly) its area: a centre left short
/// gets a head start of its missing radius (an additively weighted Voronoi diagram), so
/// it wins more of the contested ground next time. Returns the owners and head starts.
fn balanced_flood(
    lat: &Lattice,
    tiling: &Tiling,
    centres: &[Centre],
    mut head_start: Vec<f64>,
) -> (Vec<usize>, Vec<f64>) {
    let (mut owner, mut held) = flood(lat, tiling, centres, &head_start);
    for _ in 0..HEAD_START_ROUNDS {
        let mut short = false;
        for (c, centre) in centres.iter().enumerate() {
            if held[c] < 0.97 * centre.area_km2 {
                short = true;
                head_start[c] += (centre.area_km2 / PI).sqrt() - (held[c] / PI).sqrt();
            }
        }
        if !short {
            break;
        }
        (owner, held) = flood(lat, tiling, centres, &head_start);
    }
    (owner, head_start)
}

/// A standard normal draw (Box-Muller).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (2.0 * PI * v).cos()
}

/// Relative residents of every fine square (noise drawn once, used by both passes), and
/// the length scale of each centre's density profile.
fn square_weights(lat: &Lattice, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..lat.width * lat.height)
        .map(|_| (POPULATION_NOISE * normal(rng) - POPULATION_NOISE.powi(2) / 2.0).exp())
        .collect()
}

/// A centre's density falls off as exp(-d / lambda): flat in dense districts, a compact
/// town in rural ones.
fn profile_km(c: &Centre) -> f64 {
    (c.area_km2 / PI).sqrt() * (0.15 + 0.35 * c.rank)
}

/// Residents of every fine square, given the owner of every square.
fn spread(lat: &Lattice, centres: &[Centre], owner_sq: &[usize], noise: &[f64]) -> Vec<f64> {
    let seats: Vec<(f64, f64)> = centres.iter().map(|c| lat.project(c.lon, c.lat)).collect();
    let mut weight = vec![0.0; owner_sq.len()];
    let mut total = vec![0.0; centres.len()];
    for (sq, &c) in owner_sq.iter().enumerate() {
        if c == usize::MAX {
            continue;
        }
        let (i, j) = (sq % lat.width, sq / lat.width);
        let (x, y) = ((i as f64 + 0.5) * FINE_KM, (j as f64 + 0.5) * FINE_KM);
        let d = ((x - seats[c].0).powi(2) + (y - seats[c].1).powi(2)).sqrt();
        weight[sq] = (-d / profile_km(&centres[c])).exp() * noise[sq];
        total[c] += weight[sq];
    }
    owner_sq
        .iter()
        .zip(&weight)
        .map(|(&c, w)| {
            if c == usize::MAX {
                0.0
            } else {
                centres[c].population * w / total[c]
            }
        })
        .collect()
}

fn owner_of_squares(tiling: &Tiling, owner: &[usize]) -> Vec<usize> {
    tiling.tile_of.iter().map(|&t| owner[t]).collect()
}

/// Cuts the lattice into tiles by the density of the first pass.
fn tiles_by_density(lat: &Lattice, people: &[f64]) -> Vec<Tile> {
    let mut tiles = Vec::new();
    let mean = |i: usize, j: usize, n: usize| -> f64 {
        let mut p = 0.0;
        let mut a = 0.0;
        for jj in j..j + n {
            for ii in i..i + n {
                p += people[lat.index(ii, jj)];
                a += lat.square_area(jj);
            }
        }
        p / a
    };
    for bj in (0..lat.height).step_by(4) {
        for bi in (0..lat.width).step_by(4) {
            if mean(bi, bj, 4) < RURAL_DENSITY {
                tiles.push(Tile {
                    i: bi,
                    j: bj,
                    side: 4,
                });
                continue;
            }
            for (di, dj) in [(0, 0), (2, 0), (0, 2), (2, 2)] {
                let (i, j) = (bi + di, bj + dj);
                if mean(i, j, 2) < DENSE_DENSITY {
                    tiles.push(Tile { i, j, side: 2 });
                } else {
                    for (ei, ej) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                        tiles.push(Tile {
                            i: i + ei,
                            j: j + ej,
                            side: 1,
                        });
                    }
                }
            }
        }
    }
    tiles
}

/// The patrol grid cells over `centres`, in lattice order (south to north, west to
/// east), each named after its centre's label.
pub fn place_cells(centres: &[Centre], rng: &mut ChaCha8Rng) -> Vec<Cell> {
    let lat = Lattice::around(centres);
    let noise = square_weights(&lat, rng);
    // Pass 1: territories over fine squares, for the density field.
    let singles: Vec<Tile> = (0..lat.height)
        .flat_map(|j| (0..lat.width).map(move |i| Tile { i, j, side: 1 }))
        .collect();
    let singles = Tiling::new(&lat, singles);
    let (owner1, head_start) = balanced_flood(&lat, &singles, centres, vec![0.0; centres.len()]);
    let people1 = spread(&lat, centres, &owner1, &noise);
    // Pass 2: territories over density-sized tiles.
    let tiling = Tiling::new(&lat, tiles_by_density(&lat, &people1));
    let (owner, _) = balanced_flood(&lat, &tiling, centres, head_start);
    let owner_sq = owner_of_squares(&tiling, &owner);
    let people = spread(&lat, centres, &owner_sq, &noise);

    let mut counts = vec![0usize; centres.len()];
    let mut cells = Vec::new();
    let mut order: Vec<usize> = (0..tiling.tiles.len())
        .filter(|&t| owner[t] != usize::MAX)
        .collect();
    order.sort_by_key(|&t| (tiling.tiles[t].j, tiling.tiles[t].i));
    for t in order {
        let c = &centres[owner[t]];
        let tile = &tiling.tiles[t];
        counts[owner[t]] += 1;
        let population: f64 = tile.squares(&lat).map(|sq| people[sq]).sum();
        let area_km2: f64 = tile
            .squares(&lat)
            .map(|sq| lat.square_area(sq / lat.width))
            .sum();
        let (x, y) = tile.centre_km();
        let (lon, lat_deg) = lat.unproject(x, y);
        let (x0, y0) = (tile.i as f64 * FINE_KM, tile.j as f64 * FINE_KM);
        let s = tile.side as f64 * FINE_KM;
        let ring: Vec<[f64; 2]> = [
            (x0, y0),
            (x0 + s, y0),
            (x0 + s, y0 + s),
            (x0, y0 + s),
            (x0, y0),
        ]
        .iter()
        .map(|&(px, py)| {
            let (a, b) = lat.unproject(px, py);
            [coord(a), coord(b)]
        })
        .collect();
        let seat = lat.project(c.lon, c.lat);
        let rel = ((x - seat.0).powi(2) + (y - seat.1).powi(2)).sqrt() / (c.area_km2 / PI).sqrt();
        cells.push(Cell {
            street: Street {
                group: c.group.clone(),
                name: format!("{} {:04}", c.label, counts[owner[t]]),
                lon: coord(lon),
                lat: coord(lat_deg),
                ring,
                population: population.round(),
                density: population / area_km2,
                centrality: c.rank * (-2.0 * rel).exp(),
            },
            area_km2,
            side: tile.side,
            origin: (tile.i, tile.j),
        });
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn cells_tile_the_districts_and_keep_their_people() {
        let centres = super::super::centres::nanjing();
        let cells = place_cells(&centres, &mut ChaCha8Rng::seed_from_u64(1));
        // No two cells share a fine square.
        let mut seen = BTreeSet::new();
        for c in &cells {
            for dj in 0..c.side {
                for di in 0..c.side {
                    assert!(seen.insert((c.origin.0 + di, c.origin.1 + dj)));
                }
            }
        }
        for centre in &centres {
            let mine: Vec<&Cell> = cells
                .iter()
                .filter(|c| c.street.name.starts_with(&centre.label))
                .collect();
            assert!(!mine.is_empty(), "{} has cells", centre.label);
            let area: f64 = mine.iter().map(|c| c.area_km2).sum();
            assert!(
                (area - centre.area_km2).abs() <= 20.0 + 0.1 * centre.area_km2,
                "{}: {area} km²",
                centre.label
            );
            let pop: f64 = mine.iter().map(|c| c.street.population).sum();
            assert!((pop - centre.population).abs() < 1e-3 * centre.population);
        }
    }
}
