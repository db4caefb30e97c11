//! The sample planner data in `data/sample/`: a patrol grid over central Nanjing, a
//! roster, stand-by posts and half a year of incident records drawn from a known
//! ground truth by a self-exciting (Hawkes) process, so that the risk estimator can be
//! checked against the truth. `examples/sample_data.rs` writes the files; the same seed
//! always gives the same bytes.
//!
//! Truth: a background rate per cell and hour of week (hot spots of crime concentration
//! over a low floor, each hot spot with a weekly rhythm: night life, shopping, commuter
//! streets), and each incident triggers on average [`BRANCHING`] more, after an
//! exponential delay of mean [`TRIGGER_MEAN_HOURS`], in the same cell or a neighbour
//! (near-repeats). The expected rate in the stationary state is
//! `v = mu + BRANCHING * K v`, with `K` the kernel over cells and hours of week; it is
//! solved by fixed-point iteration and returned as [`SampleSet::truth`].

// Numeric kernels index several parallel arrays by the same cell and hour.
#![allow(clippy::needless_range_loop)]

use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::clock::{hour_of_week, parse_instant, HOURS_PER_WEEK as H};

const DISTRICTS_CSV: &str = include_str!("../../data/reference/nanjing_districts.csv");

/// First instant of the sample horizon (one week of 60-minute slots).
pub const SAMPLE_START: &str = "2026-12-07T00:00:00+08:00";
/// First instant of the incident history (26 weeks before the horizon).
pub const HISTORY_START: &str = "2026-06-08T00:00:00+08:00";
/// Weeks of incident history.
pub const HISTORY_WEEKS: usize = 26;
/// Weeks simulated before the history and discarded (their offspring are kept).
pub const BURN_IN_WEEKS: usize = 4;
/// Mean number of incidents each incident triggers.
pub const BRANCHING: f64 = 0.3;
/// Mean delay of a triggered incident, hours.
pub const TRIGGER_MEAN_HOURS: f64 = 24.0;
/// Share of triggered incidents in the parent's cell (the rest go to a neighbour).
pub const SAME_CELL: f64 = 0.7;
/// Grid columns and rows.
pub const COLUMNS: usize = 24;
/// See [`COLUMNS`].
pub const ROWS: usize = 20;
const WEST: f64 = 118.70;
const SOUTH: f64 = 31.96;
const CELL_LON: f64 = 0.012;
const CELL_LAT: f64 = 0.010;
/// Incident types with their share and weight.
pub const TYPES: [(&str, f64, f64); 3] = [
    ("theft", 0.6, 1.0),
    ("assault", 0.15, 3.0),
    ("disorder", 0.25, 0.5),
];

/// The sample files and the truth behind the incidents.
#[derive(Debug, Clone)]
pub struct SampleSet {
    /// regions.geojson
    pub regions_geojson: String,
    /// teams.csv
    pub teams_csv: String,
    /// posts.csv
    pub posts_csv: String,
    /// incidents.csv
    pub incidents_csv: String,
    /// rules.json
    pub rules_json: String,
    /// objective.json
    pub objective_json: String,
    /// Expected weighted incidents per hour, `truth[cell * 168 + hour_of_week]`, cells in
    /// file order (row-major from the south-west).
    pub truth: Vec<f64>,
}

fn cell_id(row: usize, col: usize) -> String {
    format!("G{:02}{:02}", row, col)
}

fn neighbours(cell: usize) -> Vec<usize> {
    let (r, c) = ((cell / COLUMNS) as i64, (cell % COLUMNS) as i64);
    let mut out = Vec::new();
    for dr in -1..=1 {
        for dc in -1..=1 {
            let (rr, cc) = (r + dr, c + dc);
            if (dr, dc) != (0, 0)
                && (0..ROWS as i64).contains(&rr)
                && (0..COLUMNS as i64).contains(&cc)
            {
                out.push(rr as usize * COLUMNS + cc as usize);
            }
        }
    }
    out
}

/// Weekly rhythm of a kind of place: multiplier for hour of week `h` (mean about 1).
fn rhythm(kind: usize, h: usize) -> f64 {
    let (day, hour) = (h / 24, (h % 24) as f64);
    let weekend = day >= 5;
    let bump = |centre: f64, width: f64| {
        let d = (hour - centre).abs().min(24.0 - (hour - centre).abs());
        (-0.5 * (d / width).powi(2)).exp()
    };
    match kind {
        // Night life: late evenings, Friday and Saturday nights strongest.
        0 => 0.3 + 2.5 * bump(23.0, 2.5) * if day == 4 || day == 5 { 1.6 } else { 1.0 },
        // Shopping: daytime, weekends strongest.
        1 => 0.2 + 1.8 * bump(15.0, 3.5) * if weekend { 1.5 } else { 1.0 },
        // Commuter streets: morning and evening peaks on weekdays.
        _ => {
            0.4 + if weekend {
                0.6 * bump(14.0, 4.0)
            } else {
                1.6 * bump(8.0, 1.2) + 1.8 * bump(18.0, 1.5)
            }
        }
    }
}

/// Poisson draw (Knuth; the means here are small).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> usize {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p: f64 = rng.random();
    while p > limit {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}

/// Probability that a triggered incident falls `k` hours of week after its parent's hour.
fn delay_kernel() -> [f64; H] {
    let mut k = [0.0; H];
    let cdf = |x: f64| {
        if x <= 0.0 {
            0.0
        } else {
            1.0 - (-x / TRIGGER_MEAN_HOURS).exp()
        }
    };
    let steps = 20;
    for s in 0..steps {
        let u = (s as f64 + 0.5) / steps as f64;
        for off in 0..H * 20 {
            let p = cdf(off as f64 + 1.0 - u) - cdf(off as f64 - u);
            k[off % H] += p / steps as f64;
        }
    }
    k
}

/// Builds the sample set for a seed.
pub fn sample_set(seed: u64) -> SampleSet {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = ROWS * COLUMNS;
    let centre = |cell: usize| {
        let (r, c) = (cell / COLUMNS, cell % COLUMNS);
        (
            WEST + (c as f64 + 0.5) * CELL_LON,
            SOUTH + (r as f64 + 0.5) * CELL_LAT,
        )
    };
    // Districts: the nearest district seat.
    let seats: Vec<(String, f64, f64)> = DISTRICTS_CSV
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((
                f.first()?.to_string(),
                f.get(3)?.parse().ok()?,
                f.get(4)?.parse().ok()?,
            ))
        })
        .collect();
    let km = |a: (f64, f64), b: (f64, f64)| {
        let dx = (a.0 - b.0) * 111.32 * (32.0f64).to_radians().cos();
        let dy = (a.1 - b.1) * 110.57;
        (dx * dx + dy * dy).sqrt()
    };
    let district: Vec<&str> = (0..n)
        .map(|cell| {
            let p = centre(cell);
            seats
                .iter()
                .min_by(|a, b| km(p, (a.2, a.1)).total_cmp(&km(p, (b.2, b.1))))
                .map_or("Nanjing", |s| s.0.as_str())
        })
        .collect();
    // Hot spots: (lon, lat, peak per hour, sigma km, kind).
    let spots: Vec<(f64, f64, f64, f64, usize)> = (0..8)
        .map(|i| {
            let lon = WEST + CELL_LON * rng.random_range(3.0..(COLUMNS as f64 - 3.0));
            let lat = SOUTH + CELL_LAT * rng.random_range(3.0..(ROWS as f64 - 3.0));
            let peak = rng.random_range(0.05..0.25);
            let sigma = rng.random_range(0.5..1.6);
            (lon, lat, peak, sigma, i % 3)
        })
        .collect();
    let floor = 0.0015;
    let mut mu = vec![0.0; n * H];
    let mut population = vec![0.0; n];
    for cell in 0..n {
        let p = centre(cell);
        let mut kinds = [0.0; 3];
        for &(lon, lat, peak, sigma, kind) in &spots {
            kinds[kind] += peak * (-0.5 * (km(p, (lon, lat)) / sigma).powi(2)).exp();
        }
        population[cell] = (2000.0 + 40000.0 * kinds.iter().sum::<f64>()).round();
        for h in 0..H {
            mu[cell * H + h] =
                floor * rhythm(2, h) + (0..3).map(|k| kinds[k] * rhythm(k, h)).sum::<f64>();
        }
    }
    // Truth: v = mu + BRANCHING * K v, K = space (same cell / neighbours) x delay.
    let delay = delay_kernel();
    let mut v = mu.clone();
    for _ in 0..30 {
        let mut spread = vec![0.0; n * H];
        for cell in 0..n {
            let mut delayed = [0.0; H];
            for h in 0..H {
                let x = v[cell * H + h];
                if x != 0.0 {
                    for (off, &d) in delay.iter().enumerate() {
                        delayed[(h + off) % H] += x * d;
                    }
                }
            }
            let ns = neighbours(cell);
            for h in 0..H {
                spread[cell * H + h] += SAME_CELL * delayed[h];
                for &m in &ns {
                    spread[m * H + h] += (1.0 - SAME_CELL) * delayed[h] / ns.len() as f64;
                }
            }
        }
        v = mu
            .iter()
            .zip(&spread)
            .map(|(m, s)| m + BRANCHING * s)
            .collect();
    }
    let mean_weight: f64 = TYPES.iter().map(|t| t.1 * t.2).sum();
    let truth: Vec<f64> = v.iter().map(|x| x * mean_weight).collect();

    // Simulation, in hours from the history start (burn-in before 0).
    let (history_ns, _) = parse_instant(HISTORY_START).expect("constant");
    let local0 = (history_ns / 3_600_000_000_000) as i64 + 8; // +08:00
    let start = -((BURN_IN_WEEKS * H) as f64);
    let end = (HISTORY_WEEKS * H) as f64;
    let mut events: Vec<(f64, usize)> = Vec::new();
    for hour in (start as i64)..(end as i64) {
        let how = hour_of_week(local0 + hour);
        for cell in 0..n {
            for _ in 0..poisson(&mut rng, mu[cell * H + how]) {
                events.push((hour as f64 + rng.random::<f64>(), cell));
            }
        }
    }
    let mut queue = events.clone();
    while let Some((t, cell)) = queue.pop() {
        for _ in 0..poisson(&mut rng, BRANCHING) {
            let t2 = t - TRIGGER_MEAN_HOURS * (1.0 - rng.random::<f64>()).ln();
            if t2 >= end {
                continue;
            }
            let c2 = if rng.random::<f64>() < SAME_CELL {
                cell
            } else {
                let ns = neighbours(cell);
                ns[rng.random_range(0..ns.len())]
            };
            events.push((t2, c2));
            queue.push((t2, c2));
        }
    }
    events.retain(|e| e.0 >= 0.0);
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    let mut incidents = String::from("time,lon,lat,type,weight\n");
    for (t, cell) in events {
        let (r, c) = (cell / COLUMNS, cell % COLUMNS);
        let lon = WEST + (c as f64 + rng.random_range(0.02..0.98)) * CELL_LON;
        let lat = SOUTH + (r as f64 + rng.random_range(0.02..0.98)) * CELL_LAT;
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let (ty, _, w) = *TYPES
            .iter()
            .find(|t| {
                acc += t.1;
                u < acc
            })
            .unwrap_or(&TYPES[0]);
        let secs = (t * 3600.0).floor() as i64;
        let time = chrono::DateTime::from_timestamp(history_ns as i64 / 1_000_000_000 + secs, 0)
            .expect("in range")
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid"))
            .to_rfc3339();
        // Real exports carry a few broken or stray records; the build reports them.
        let roll: f64 = rng.random();
        if roll < 0.002 {
            let _ = writeln!(incidents, "{},{:.5},{:.5},{ty},{w}", time, lon + 0.5, lat);
        } else if roll < 0.003 {
            let _ = writeln!(incidents, "{},{:.5},{:.5},{ty},{w}", &time[..10], lon, lat);
        } else {
            let _ = writeln!(incidents, "{time},{lon:.5},{lat:.5},{ty},{w}");
        }
    }

    // Regions.
    let mut features = Vec::with_capacity(n);
    for cell in 0..n {
        let (r, c) = (cell / COLUMNS, cell % COLUMNS);
        let (x0, y0) = (WEST + c as f64 * CELL_LON, SOUTH + r as f64 * CELL_LAT);
        let (x1, y1) = (x0 + CELL_LON, y0 + CELL_LAT);
        let ring: Vec<[f64; 2]> = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
            .iter()
            .map(|&(x, y)| [round5(x), round5(y)])
            .collect();
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {
                "id": cell_id(r, c),
                "name": format!("{} grid {}-{}", district[cell], r, c),
                "group": district[cell],
                "population": population[cell],
                "grid_code": format!("320100-{:04}", cell),
            },
            "geometry": { "type": "Polygon", "coordinates": [ring] },
        }));
    }
    let regions_geojson = serde_json::to_string_pretty(&serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
    }))
    .expect("serialises")
        + "\n";

    // Teams: bases in cells drawn by risk; three 8-hour shifts, volunteers by day,
    // mobile teams at posts in two 12-hour shifts.
    let cell_risk: Vec<f64> = (0..n)
        .map(|c| truth[c * H..(c + 1) * H].iter().sum())
        .collect();
    let total: f64 = cell_risk.iter().sum();
    let draw_cell = |rng: &mut ChaCha8Rng| {
        let mut u = rng.random::<f64>() * total;
        for (c, w) in cell_risk.iter().enumerate() {
            u -= w;
            if u <= 0.0 {
                return c;
            }
        }
        n - 1
    };
    let mut teams = String::from("id,kind,members,base,base_lon,base_lat,speed_kmh,reach_minutes,effectiveness,volunteer,rules,available\n");
    let shifts = ["06:00-14:00", "14:00-22:00", "22:00-06:00"];
    for i in 0..48 {
        let cell = draw_cell(&mut rng);
        let _ = writeln!(
            teams,
            "JP-{:03},patrol,5,{},,,15,20,1,false,patrol-8h,{}",
            i + 1,
            cell_id(cell / COLUMNS, cell % COLUMNS),
            shifts[i % 3]
        );
    }
    for i in 0..10 {
        let cell = draw_cell(&mut rng);
        let avail = if i % 2 == 0 {
            "09:00-12:00;14:00-17:00"
        } else {
            "2026-12-12T09:00:00+08:00/2026-12-13T18:00:00+08:00"
        };
        let _ = writeln!(
            teams,
            "VG-{:03},patrol,5,{},,,5,15,0.6,true,volunteer,\"{}\"",
            i + 1,
            cell_id(cell / COLUMNS, cell % COLUMNS),
            avail
        );
    }
    let mut posts = String::from("id,lon,lat,capacity\n");
    let mut post_points = Vec::new();
    for i in 0..12 {
        let cell = draw_cell(&mut rng);
        let (lon, lat) = centre(cell);
        let (lon, lat) = (round5(lon + 0.002), round5(lat + 0.002));
        post_points.push((lon, lat));
        let _ = writeln!(posts, "P{:02},{lon:.5},{lat:.5},{}", i + 1, 1 + i % 2);
    }
    for i in 0..8 {
        let avail = if i % 2 == 0 {
            "08:00-20:00"
        } else {
            "20:00-08:00"
        };
        if i < 6 {
            let _ = writeln!(
                teams,
                "EM-{:03},mobile,6,P{:02},,,30,25,,,standby-12h,{avail}",
                i + 1,
                i + 1
            );
        } else {
            let (lon, lat) = post_points[i];
            let _ = writeln!(
                teams,
                "EM-{:03},mobile,6,,{lon:.5},{lat:.5},30,25,,,standby-12h,{avail}",
                i + 1
            );
        }
    }
    let rules_json = r#"{
  "patrol-8h": { "min_shift_slots": 4, "max_shift_slots": 8, "min_rest_slots": 12, "max_work_slots": 40, "max_hop_minutes": 25 },
  "volunteer": { "min_shift_slots": 2, "max_shift_slots": 4, "min_rest_slots": 12, "max_work_slots": 28, "max_hop_minutes": 20 },
  "standby-12h": { "min_shift_slots": 6, "max_shift_slots": 12, "min_rest_slots": 12, "max_work_slots": 48, "max_hop_minutes": 30 }
}
"#
    .to_string();
    let objective_json = r#"{ "risk_weight": 1.0, "footfall_weight": 0.2, "response_minutes": 5, "backup_minutes": 10 }
"#
    .to_string();
    SampleSet {
        regions_geojson,
        teams_csv: teams,
        posts_csv: posts,
        incidents_csv: incidents,
        rules_json,
        objective_json,
        truth,
    }
}

fn round5(x: f64) -> f64 {
    format!("{x:.5}").parse().expect("formatted float parses")
}
