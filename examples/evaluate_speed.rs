//! Times the evaluator (and the baseline) on a generated preset or an instance file, in
//! release: `cargo run --release --example evaluate_speed -- jiangsu` (presets: tiny,
//! small, nanjing, jiangsu, nanjing-grid, jiangsu-grid) or `-- FILE.json [SCHEDULE.json]`
//! (a schedule file is timed after the baseline: a plan costs more to score).
//! The target: the `jiangsu` preset evaluates in well under a second.

use std::time::Instant;

use patrolplan::construct::baseline;
use patrolplan::generate::{generate, Preset};
use patrolplan::schedule::{evaluate, read_schedule};
use patrolplan::Instance;

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "jiangsu".into());
    let t = Instant::now();
    let instance = if name.ends_with(".json") {
        let json = std::fs::read_to_string(&name).expect("readable instance file");
        Instance::from_json(&json).expect("a valid instance")
    } else {
        let preset = match name.as_str() {
            "tiny" => Preset::Tiny,
            "small" => Preset::Small,
            "nanjing" => Preset::Nanjing,
            "nanjing-grid" => Preset::NanjingGrid,
            "jiangsu-grid" => Preset::JiangsuGrid,
            _ => Preset::Jiangsu,
        };
        Instance::from_file(&generate(preset, 1)).expect("presets are valid")
    };
    println!("{name}: instance built in {:.2?}", t.elapsed());
    let t = Instant::now();
    let schedule = baseline(&instance);
    println!("baseline built in {:.2?}", t.elapsed());
    let mut schedules = vec![("baseline".to_string(), schedule)];
    if let Some(path) = std::env::args().nth(2) {
        let json = std::fs::read_to_string(&path).expect("readable schedule file");
        schedules.push((
            path,
            read_schedule(&instance, &json).expect("a valid schedule"),
        ));
    }
    for (label, schedule) in &schedules {
        for run in 0..3 {
            let t = Instant::now();
            let e = evaluate(&instance, schedule);
            println!(
                "evaluate {label} #{run}: {:.2?} (feasible {}, {} breaches, total {:.3})",
                t.elapsed(),
                e.feasible,
                e.violations.len(),
                e.objective.total
            );
        }
    }
}
