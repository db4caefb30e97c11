//! Writes a jiangsu-grid-sized planner data set for timing `patrolplan build`: 15,000
//! grid cells (150 x 100 cells of about 1.3 km² in 13 districts), the provincial roster
//! (26,000 patrol teams, 1,600 volunteer groups, 1,000 mobile teams at 2,600 posts) and a
//! year of incident records (1,000,000 by default) drawn from hot spots with daily and
//! weekly rhythms.
//!
//! ```text
//! cargo run --release --example build_scale -- /tmp/scale [RECORDS]
//! /usr/bin/time -v target/release/patrolplan build --regions /tmp/scale/regions.geojson \
//!   --teams /tmp/scale/teams.csv --posts /tmp/scale/posts.csv --incidents /tmp/scale/incidents.csv \
//!   --rules data/sample/rules.json --start 2026-12-07T00:00:00+08:00 --slot-minutes 60 \
//!   --slots 168 --out /tmp/scale/instance.json
//! ```

// The generator walks parallel per-cell arrays by index.
#![allow(clippy::needless_range_loop)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const COLS: usize = 150;
const ROWS: usize = 100;
const WEST: f64 = 118.0;
const SOUTH: f64 = 31.5;
const DX: f64 = 0.012;
const DY: f64 = 0.010;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/scale".into()));
    let records: usize = args
        .next()
        .map_or(1_000_000, |s| s.parse().expect("RECORDS is a number"));
    std::fs::create_dir_all(&dir)?;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let n = COLS * ROWS;
    let id = |c: usize| format!("C{:03}{:03}", c / COLS, c % COLS);
    // Hot spots give each cell a weight (law of crime concentration: a few hot cells).
    let spots: Vec<(f64, f64, f64, f64)> = (0..120)
        .map(|_| {
            (
                rng.random_range(0.0..COLS as f64),
                rng.random_range(0.0..ROWS as f64),
                rng.random_range(0.2..1.0f64).powi(3),
                rng.random_range(0.5..2.5),
            )
        })
        .collect();
    let weight: Vec<f64> = (0..n)
        .map(|c| {
            let (x, y) = ((c % COLS) as f64 + 0.5, (c / COLS) as f64 + 0.5);
            0.002
                + spots
                    .iter()
                    .map(|&(sx, sy, a, s)| {
                        a * (-((x - sx).powi(2) + (y - sy).powi(2)) / (2.0 * s * s)).exp()
                    })
                    .sum::<f64>()
        })
        .collect();
    let total: f64 = weight.iter().sum();
    let cumulative: Vec<f64> = weight
        .iter()
        .scan(0.0, |acc, w| {
            *acc += w / total;
            Some(*acc)
        })
        .collect();
    let draw = |rng: &mut ChaCha8Rng| {
        cumulative
            .partition_point(|&c| c < rng.random::<f64>())
            .min(n - 1)
    };

    let mut regions = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for c in 0..n {
        let (x0, y0) = (
            WEST + (c % COLS) as f64 * DX,
            SOUTH + (c / COLS) as f64 * DY,
        );
        let (x1, y1) = (x0 + DX, y0 + DY);
        let district = format!("D{:02}", ((c % COLS) / 30) + 5 * ((c / COLS) / 40));
        let _ = writeln!(
            regions,
            "{}{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{}\",\"group\":\"{district}\",\"population\":{:.0}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x0:.5},{y0:.5}],[{x1:.5},{y0:.5}],[{x1:.5},{y1:.5}],[{x0:.5},{y1:.5}],[{x0:.5},{y0:.5}]]]}}}}",
            if c == 0 { "" } else { "," },
            id(c),
            2000.0 + 200000.0 * weight[c] / total * n as f64 / 100.0
        );
    }
    regions.push_str("]}\n");
    std::fs::write(dir.join("regions.geojson"), regions)?;

    let mut posts = String::from("id,lon,lat,capacity\n");
    let mut post_cells = Vec::new();
    for p in 0..2600 {
        let c = draw(&mut rng);
        post_cells.push(c);
        let (x, y) = (
            WEST + ((c % COLS) as f64 + 0.5) * DX,
            SOUTH + ((c / COLS) as f64 + 0.5) * DY,
        );
        let _ = writeln!(posts, "P{p:04},{x:.5},{y:.5},1");
    }
    std::fs::write(dir.join("posts.csv"), posts)?;

    let mut teams = String::from(
        "id,kind,members,base,speed_kmh,reach_minutes,effectiveness,volunteer,rules,available\n",
    );
    let shifts = ["06:00-14:00", "14:00-22:00", "22:00-06:00"];
    for t in 0..26_000 {
        let _ = writeln!(
            teams,
            "JP{t:05},patrol,5,{},15,20,,,patrol-8h,{}",
            id(draw(&mut rng)),
            shifts[t % 3]
        );
    }
    for t in 0..1_600 {
        let _ = writeln!(
            teams,
            "VG{t:05},patrol,5,{},5,15,0.6,true,volunteer,\"09:00-12:00;14:00-17:00\"",
            id(draw(&mut rng))
        );
    }
    for t in 0..1_000 {
        let _ = writeln!(
            teams,
            "EM{t:05},mobile,6,P{:04},30,20,,,standby-12h,{}",
            t,
            if t % 2 == 0 {
                "08:00-20:00"
            } else {
                "20:00-08:00"
            }
        );
    }
    std::fs::write(dir.join("teams.csv"), teams)?;

    // A year of records before the horizon, hours with a daily rhythm (more at night).
    let year_start = 1_764_864_000i64 - 364 * 86_400; // 2025-12-05T00:00+08:00 minus 52 weeks
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("incidents.csv"))?);
    writeln!(out, "time,lon,lat,type,weight")?;
    let types = [("theft", 1.0), ("assault", 3.0), ("disorder", 0.5)];
    for _ in 0..records {
        let c = draw(&mut rng);
        let secs = loop {
            let s = rng.random_range(0..364 * 86_400i64);
            let hour = ((s / 3600) % 24) as f64;
            let p = 0.4 + 0.6 * (((hour - 22.0) / 24.0 * std::f64::consts::TAU).cos() * 0.5 + 0.5);
            if rng.random::<f64>() < p {
                break s;
            }
        };
        let t = chrono::DateTime::from_timestamp(year_start + secs, 0)
            .expect("in range")
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid"));
        let (x, y) = (
            WEST + ((c % COLS) as f64 + rng.random::<f64>()) * DX,
            SOUTH + ((c / COLS) as f64 + rng.random::<f64>()) * DY,
        );
        let (ty, w) = types[rng.random_range(0..3)];
        writeln!(out, "{},{x:.5},{y:.5},{ty},{w}", t.to_rfc3339())?;
    }
    out.flush()?;
    println!(
        "wrote {} ({n} cells, 28,600 teams, 2,600 posts, {records} incidents)",
        dir.display()
    );
    Ok(())
}
