//! Writes a series of growing valid instances and prints the memory estimate of
//! `solve` (and of `validate`) for each, so that the estimate can be set against the
//! peak measured by `/usr/bin/time -v` (see `docs/reliability.md`).
//!
//! ```text
//! cargo run --release --example memory_series -- /tmp/series
//! for f in /tmp/series/*.json; do
//!   /usr/bin/time -v target/release/patrolplan solve $f --out /tmp/s.json \
//!     --iterations 2000 --time-limit 30 --threads 1 --quiet 2>&1 | grep Maximum
//! done
//! ```
//!
//! Instances: regions on a 1 km grid near Nanjing, risk per region, half as many patrol
//! teams as regions (reach 20 minutes at 20 km/h), one post per 20 regions with a
//! mobile team each; `slots` and regions grow together, so size (regions x slots)
//! doubles from one instance to the next.

use patrolplan::model::memory::{estimate, human, Sizes, Work};
use patrolplan::Instance;
use serde_json::{json, Value};

fn grid_instance(regions: usize, slots: usize) -> Value {
    let side = (regions as f64).sqrt().ceil() as usize;
    let loc = |i: usize| {
        json!([
            118.7 + 0.01 * (i % side) as f64,
            32.0 + 0.01 * (i / side) as f64
        ])
    };
    let posts = regions / 20;
    let teams = regions / 2;
    let regions_json: Vec<Value> = (0..regions)
        .map(|i| json!({"id": format!("R{i}"), "location": loc(i), "risk": 0.1 + 0.05 * (i % 7) as f64}))
        .collect();
    let posts_json: Vec<Value> = (0..posts)
        .map(|i| json!({"id": format!("P{i}"), "location": loc((i * 37) % regions), "capacity": 2}))
        .collect();
    let mut teams_json: Vec<Value> = (0..teams)
        .map(|k| {
            json!({"id": format!("T{k}"), "kind": "patrol", "members": 2, "reach_minutes": 20,
                   "base": format!("R{}", (k * 13) % regions), "speed_kmh": 20, "rules": "std"})
        })
        .collect();
    teams_json.extend((0..posts).map(|k| {
        json!({"id": format!("M{k}"), "kind": "mobile", "members": 2,
               "base": format!("P{k}"), "speed_kmh": 40, "rules": "std"})
    }));
    json!({
        "format": "patrolplan.instance.v1",
        "name": format!("grid-{regions}x{slots}"),
        "horizon": {"slot_minutes": 30, "slots": slots},
        "regions": regions_json,
        "posts": posts_json,
        "shift_rules": {"std": {"min_shift_slots": 4, "max_shift_slots": 16, "min_rest_slots": 16,
                                "max_work_slots": slots / 3, "max_hop_minutes": 15}},
        "teams": teams_json,
    })
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/series".into());
    std::fs::create_dir_all(&dir).expect("the output directory can be made");
    println!("| instance | regions x slots | teams | file | estimate validate | estimate solve |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (regions, slots) in [
        (100, 336),
        (200, 336),
        (200, 672),
        (400, 672),
        (400, 1344),
        (800, 1344),
        (800, 2688),
    ] {
        let v = grid_instance(regions, slots);
        let text = serde_json::to_string(&v).expect("serialisable");
        let path = format!("{dir}/grid-{:05}x{:05}.json", regions, slots);
        std::fs::write(&path, &text).expect("the instance can be written");
        let inst = Instance::from_json(&text).expect("the series is valid");
        let sizes = Sizes {
            file_bytes: text.len() as u64,
            ..Sizes::of_instance(&inst)
        };
        let comps = patrolplan::search::components::components(&inst).len() as u64;
        let solve = estimate(
            &sizes,
            &Work::Solve {
                components: Some(comps),
                with_bound: true,
            },
            0,
        );
        let validate = estimate(&sizes, &Work::Validate, 0);
        println!(
            "| {path} | {} | {} | {} | {} | {} ({} component(s)) |",
            regions * slots,
            inst.teams().len(),
            human(text.len() as u64),
            human(validate.peak()),
            human(solve.peak()),
            comps
        );
    }
}
