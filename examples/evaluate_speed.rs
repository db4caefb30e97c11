//! Times the evaluator (and the baseline) on a generated preset, in release:
//! `cargo run --release --example evaluate_speed -- jiangsu`.
//! The target: the `jiangsu` preset evaluates in well under a second.

use std::time::Instant;

use patrolplan::construct::baseline;
use patrolplan::generate::{generate, Preset};
use patrolplan::schedule::evaluate;
use patrolplan::Instance;

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "jiangsu".into());
    let preset = match name.as_str() {
        "tiny" => Preset::Tiny,
        "small" => Preset::Small,
        "nanjing" => Preset::Nanjing,
        _ => Preset::Jiangsu,
    };
    let t = Instant::now();
    let instance = Instance::from_file(&generate(preset, 1)).expect("presets are valid");
    println!("{name}: instance built in {:.2?}", t.elapsed());
    let t = Instant::now();
    let schedule = baseline(&instance);
    println!("baseline built in {:.2?}", t.elapsed());
    for run in 0..3 {
        let t = Instant::now();
        let e = evaluate(&instance, &schedule);
        println!(
            "evaluate #{run}: {:.2?} (feasible {}, {} breaches, total {:.3})",
            t.elapsed(),
            e.feasible,
            e.violations.len(),
            e.objective.total
        );
    }
}
