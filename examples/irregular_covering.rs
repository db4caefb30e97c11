//! The exact siting (`siting::solve_exact_limited`) on the irregular family's covering
//! cases (tests/data/irregular/covering-*.json, one slot, only mobile teams), against
//! their proven optima (optima.json): value, nodes, time.
//!
//! `cargo run --release --example irregular_covering [-- NODES]`

use std::time::{Duration, Instant};

use patrolplan::siting::random::whole_problem;
use patrolplan::siting::{site_slot, slot_cover_value, solve_exact_limited};
use patrolplan::Instance;

fn main() {
    let nodes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(usize::MAX);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/irregular");
    let optima: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("optima.json")).expect("optima.json"),
    )
    .expect("optima.json is JSON");
    println!("| case | greedy+swap | exact | optimum | proven | nodes | pivots | ms |");
    println!("|---|---|---|---|---|---|---|---|");
    for case in 1..=12 {
        let file = format!("covering-{case}.json");
        let Ok(text) = std::fs::read_to_string(dir.join(&file)) else {
            continue;
        };
        let inst = Instance::from_json(&text).expect("valid instance");
        let optimum = optima["instances"]
            .as_array()
            .and_then(|a| a.iter().find(|k| k["file"] == file.as_str()))
            .and_then(|k| k["optimum"].as_f64())
            .unwrap_or(f64::NAN);
        let problem = whole_problem(&inst);
        let placed = |posts: &[u32]| -> Vec<(usize, u32)> {
            problem
                .teams
                .iter()
                .map(|t| t.0)
                .zip(posts.iter().copied())
                .collect()
        };
        let heuristic = slot_cover_value(&inst, 0, &placed(&site_slot(&problem, None)));
        let t = Instant::now();
        let out = solve_exact_limited(&problem, Duration::from_secs(3_600), nodes);
        let ms = t.elapsed().as_millis();
        let value = slot_cover_value(&inst, 0, &placed(&out.posts));
        println!(
            "| {case} | {heuristic:.3} | {value:.3} | {optimum:.3} | {} | {} | {} | {ms} |",
            out.proven, out.nodes, out.pivots
        );
    }
}
