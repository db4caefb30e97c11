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
//! doubles from one instance to the next. Then the same size (800 regions x 672
//! slots) split into 1, 2, 4, 8 and 16 independent clusters (`clusters-*.json`).

use patrolplan::model::memory::{estimate, human, Sizes, Work};
use patrolplan::Instance;
use serde_json::{json, Value};

fn grid_instance(regions: usize, slots: usize) -> Value {
    cluster_instance(1, regions, slots)
}

/// `clusters` equal grids of `regions / clusters` regions each, one degree apart (far
/// beyond any team's reach), each with its own teams and posts: that many independent
/// components of the same total size.
fn cluster_instance(clusters: usize, regions: usize, slots: usize) -> Value {
    let per = regions / clusters;
    let side = (per as f64).sqrt().ceil() as usize;
    let loc = |i: usize| {
        let (c, j) = (i / per, i % per);
        json!([
            118.7 + c as f64 + 0.01 * (j % side) as f64,
            32.0 + 0.01 * (j / side) as f64
        ])
    };
    // Posts and teams of cluster c stand in cluster c (index `c * per + j`).
    let in_cluster = |i: usize, n: usize, step: usize| (i / n) * per + (i % n * step) % per;
    let (posts_per, teams_per) = (per / 20, per / 2);
    let posts = posts_per * clusters;
    let teams = teams_per * clusters;
    let regions_json: Vec<Value> = (0..per * clusters)
        .map(|i| json!({"id": format!("R{i}"), "location": loc(i), "risk": 0.1 + 0.05 * (i % 7) as f64}))
        .collect();
    let posts_json: Vec<Value> = (0..posts)
        .map(|i| json!({"id": format!("P{i}"), "location": loc(in_cluster(i, posts_per.max(1), 37)), "capacity": 2}))
        .collect();
    let mut teams_json: Vec<Value> = (0..teams)
        .map(|k| {
            json!({"id": format!("T{k}"), "kind": "patrol", "members": 2, "reach_minutes": 20,
                   "base": format!("R{}", in_cluster(k, teams_per, 13)), "speed_kmh": 20, "rules": "std"})
        })
        .collect();
    teams_json.extend((0..posts).map(|k| {
        let mut t = json!({"id": format!("M{k}"), "kind": "mobile", "members": 2,
                           "base": format!("P{k}"), "speed_kmh": 40, "rules": "std"});
        // A mobile team without a reach may stand at any post, which would join the
        // clusters into one component.
        if clusters > 1 {
            t["reach_minutes"] = json!(30);
        }
        t
    }));
    json!({
        "format": "patrolplan.instance.v1",
        "name": if clusters == 1 {
            format!("grid-{regions}x{slots}")
        } else {
            format!("clusters-{clusters}-{regions}x{slots}")
        },
        "horizon": {"slot_minutes": 30, "slots": slots},
        "regions": regions_json,
        "posts": posts_json,
        "shift_rules": {"std": {"min_shift_slots": 4, "max_shift_slots": 16, "min_rest_slots": 16,
                                "max_work_slots": slots / 3, "max_hop_minutes": 15}},
        "teams": teams_json,
    })
}

/// Writes `v` to `path` and prints its row: sizes and the estimates.
fn row(path: &str, v: &Value, regions: usize, slots: usize) {
    let text = serde_json::to_string(v).expect("serialisable");
    std::fs::write(path, &text).expect("the instance can be written");
    let inst = Instance::from_json(&text).expect("the series is valid");
    let sizes = Sizes {
        file_bytes: text.len() as u64,
        ..Sizes::of_instance(&inst)
    };
    let comps = patrolplan::search::components::memory_profile(&inst);
    let solve = |with_bound| {
        estimate(
            &sizes,
            &Work::Solve {
                components: Some(comps),
                with_bound,
            },
            0,
        )
        .peak()
    };
    let validate = estimate(&sizes, &Work::Validate, 0);
    println!(
        "| {path} | {} | {} | {} | {} | {} | {} | {} |",
        regions * slots,
        inst.teams().len(),
        comps.count,
        human(text.len() as u64),
        human(validate.peak()),
        human(solve(true)),
        human(solve(false)),
    );
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/series".into());
    std::fs::create_dir_all(&dir).expect("the output directory can be made");
    println!("| instance | regions x slots | teams | components | file | estimate validate | estimate solve | estimate solve --no-bound |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (regions, slots) in [
        (100, 336),
        (200, 336),
        (200, 672),
        (400, 672),
        (400, 1344),
        (800, 1344),
        (800, 2688),
    ] {
        let path = format!("{dir}/grid-{:05}x{:05}.json", regions, slots);
        row(&path, &grid_instance(regions, slots), regions, slots);
    }
    // The same size split into more and more independent components.
    for clusters in [1, 2, 4, 8, 16] {
        let path = format!("{dir}/clusters-{clusters:02}-00800x00672.json");
        row(&path, &cluster_instance(clusters, 800, 672), 800, 672);
    }
}
