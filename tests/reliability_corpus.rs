//! Replays the fuzz corpora (`fuzz/seeds/`, and `fuzz/corpus/` and `fuzz/artifacts/`
//! when present) through the same functions as the fuzz targets in `fuzz/fuzz_targets/`:
//! `cargo test` keeps every input the fuzzer kept or crashed on, without a nightly
//! toolchain. Each input must give a result or an error, never a panic.

use std::path::{Path, PathBuf};

use patrolplan::construct::baseline;
use patrolplan::events::parse_events;
use patrolplan::schedule::{evaluate_input, read_schedule_input};
use patrolplan::Instance;

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["seeds", "corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

/// The body of `fuzz_targets/instance.rs`.
fn instance_target(data: &[u8]) {
    if let Ok(json) = std::str::from_utf8(data) {
        let _ = Instance::from_json(json);
    }
}

/// The body of `fuzz_targets/schedule.rs`.
fn schedule_target(instances: &[Instance; 2], data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(json) = std::str::from_utf8(rest) else {
        return;
    };
    let inst = &instances[(pick & 1) as usize];
    if let Ok(input) = read_schedule_input(inst, json) {
        let _ = evaluate_input(inst, &input);
    }
}

#[test]
fn instance_corpus_replays_without_panic() {
    let files = inputs("instance");
    assert!(
        files.len() >= 20,
        "the seed corpus is there ({} files)",
        files.len()
    );
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let caught = std::panic::catch_unwind(|| instance_target(&data));
        assert!(caught.is_ok(), "panic on {}", f.display());
    }
}

#[test]
fn schedule_corpus_replays_without_panic() {
    let load = |json: &str| Instance::from_json(json).expect("the fixture is valid");
    let instances = [
        load(include_str!("data/hand.json")),
        load(include_str!("data/eval_matrix.json")),
    ];
    let files = inputs("schedule");
    assert!(
        files.len() >= 5,
        "the seed corpus is there ({} files)",
        files.len()
    );
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            schedule_target(&instances, &data)
        }));
        assert!(caught.is_ok(), "panic on {}", f.display());
    }
}

/// The body of `fuzz_targets/events.rs`.
fn events_target(inst: &Instance, previous: &patrolplan::schedule::Schedule, data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(events) = parse_events(json, inst, previous) {
        let _ = events.apply(inst);
        let _ = events.rules(previous.clone());
    }
}

#[test]
fn events_corpus_replays_without_panic() {
    let inst = Instance::from_json(include_str!("data/hand.json")).expect("the fixture is valid");
    let previous = baseline(&inst);
    let files = inputs("events");
    assert!(
        files.len() >= 4,
        "the seed corpus is there ({} files)",
        files.len()
    );
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            events_target(&inst, &previous, &data)
        }));
        assert!(caught.is_ok(), "panic on {}", f.display());
    }
}
