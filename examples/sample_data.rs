//! Writes the sample planner data of `data/sample/` (regions, teams, posts, incidents,
//! rules, objective) from the project's generator, so that the files are reproducible:
//!
//! ```text
//! cargo run --release --example sample_data -- [OUT_DIR] [SEED]
//! ```
//!
//! The defaults are `data/sample` and seed 1 (the shipped files).

use std::path::PathBuf;

use patrolplan::build::sample::sample_set;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "data/sample".into()));
    let seed: u64 = args
        .next()
        .map_or(1, |s| s.parse().expect("SEED is a number"));
    let set = sample_set(seed);
    std::fs::create_dir_all(&dir)?;
    for (name, text) in [
        ("regions.geojson", &set.regions_geojson),
        ("teams.csv", &set.teams_csv),
        ("posts.csv", &set.posts_csv),
        ("incidents.csv", &set.incidents_csv),
        ("rules.json", &set.rules_json),
        ("objective.json", &set.objective_json),
    ] {
        std::fs::write(dir.join(name), text)?;
        println!("{}: {} bytes", dir.join(name).display(), text.len());
    }
    Ok(())
}
