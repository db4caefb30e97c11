//! Writes instances of the irregular test family (tests/common/irregular.rs) as JSON
//! files, each validated by patrolplan first.
//!
//! ```sh
//! cargo run --release --example irregular_family -- tiny 1 70 /tmp/family
//! cargo run --release --example irregular_family -- small 1 6 /tmp/family
//! cargo run --release --example irregular_family -- covering 1 12 /tmp/family
//! ```
//! Arguments: size (`tiny`, `small`, `covering`), first seed, last seed (inclusive),
//! output directory. Files are named `<size>-<seed>.json`.

#[path = "../tests/common/irregular.rs"]
mod irregular;

use std::path::PathBuf;
use std::process::ExitCode;

use patrolplan::Instance;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: irregular_family tiny|small|covering FIRST_SEED LAST_SEED OUT_DIR";
    let [size, first, last, out] = args.as_slice() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let (Ok(first), Ok(last)) = (first.parse::<u64>(), last.parse::<u64>()) else {
        eprintln!("seeds must be whole numbers\n{usage}");
        return ExitCode::from(2);
    };
    let generate: fn(u64) -> serde_json::Value = match size.as_str() {
        "tiny" => |s| irregular::generate(irregular::Size::Tiny, s),
        "small" => |s| irregular::generate(irregular::Size::Small, s),
        "covering" => irregular::covering,
        _ => {
            eprintln!("unknown size {size:?}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let dir = PathBuf::from(out);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    let mut failed = false;
    for seed in first..=last {
        let text = irregular::to_text(&generate(seed));
        if let Err(e) = Instance::from_json(&text) {
            eprintln!("{size}-{seed}: generated instance is invalid: {e}");
            failed = true;
            continue;
        }
        let path = dir.join(format!("{size}-{seed}.json"));
        if let Err(e) = std::fs::write(&path, &text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{}", path.display());
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
