//! Schedule parsing and evaluation against two fixed instances (haversine and matrix
//! travel): any bytes give bad input or an evaluation, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use patrolplan::schedule::{evaluate_input, read_schedule_input};
use patrolplan::Instance;

fn instances() -> &'static [Instance; 2] {
    static INSTANCES: OnceLock<[Instance; 2]> = OnceLock::new();
    INSTANCES.get_or_init(|| {
        let load = |json: &str| Instance::from_json(json).expect("the fixture is valid");
        [
            load(include_str!("../../tests/data/hand.json")),
            load(include_str!("../../tests/data/eval_matrix.json")),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the instance, the rest is the schedule file.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(json) = std::str::from_utf8(rest) else {
        return;
    };
    let inst = &instances()[(pick & 1) as usize];
    if let Ok(input) = read_schedule_input(inst, json) {
        let _ = evaluate_input(inst, &input);
    }
});
