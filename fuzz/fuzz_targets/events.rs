//! Events parsing (MODEL.md section 9) against `tests/data/hand.json` and its baseline:
//! any bytes give bad input or events, whose application re-validates the instance and
//! whose re-planning rules can be built; never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use patrolplan::construct::baseline;
use patrolplan::events::parse_events;
use patrolplan::schedule::Schedule;
use patrolplan::Instance;

fn fixture() -> &'static (Instance, Schedule) {
    static FIXTURE: OnceLock<(Instance, Schedule)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let inst = Instance::from_json(include_str!("../../tests/data/hand.json"))
            .expect("the fixture is valid");
        let previous = baseline(&inst);
        (inst, previous)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let (inst, previous) = fixture();
    if let Ok(events) = parse_events(json, inst, previous) {
        let _ = events.apply(inst);
        let _ = events.rules(previous.clone());
    }
});
