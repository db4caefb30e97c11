//! Instance parsing and validation: any bytes give an instance or a list of problems,
//! never a panic, an abort or an out-of-memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(json) = std::str::from_utf8(data) {
        let _ = patrolplan::Instance::from_json(json);
    }
});
