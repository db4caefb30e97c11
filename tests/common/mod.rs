//! Shared by several test files (`mod common;`): the irregular family generator and its
//! stored instances with proven optima (tests/data/irregular/).

// Each test binary uses a part of this module.
#![allow(dead_code)]

pub mod irregular;

use serde_json::Value;

/// The directory of the stored family.
pub fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/irregular")
}

/// One stored instance with its proven optimum.
#[derive(Debug, Clone)]
pub struct Known {
    /// File name in [`data_dir`], e.g. `tiny-12.json`.
    pub file: String,
    /// The instance text.
    pub text: String,
    /// The proven optimum (section 5 total).
    pub optimum: f64,
    /// The methods that proved it and agree on it (`cpsat`, `highs`, `exhaustive`, `microlp`).
    pub methods: Vec<String>,
}

/// Every stored instance of `optima.json` whose optimum is proven, in file order.
pub fn known_optima() -> Vec<Known> {
    let path = data_dir().join("optima.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/irregular/optima.json");
    let doc: Value = serde_json::from_str(&text).expect("optima.json is JSON");
    doc["instances"]
        .as_array()
        .expect("instances")
        .iter()
        .filter_map(|rec| {
            let optimum = rec["optimum"].as_f64()?;
            let file = rec["file"].as_str().expect("file").to_string();
            let text = std::fs::read_to_string(data_dir().join(&file)).expect("stored instance");
            let methods = rec["methods"]
                .as_array()
                .expect("methods")
                .iter()
                .map(|m| m.as_str().expect("method").to_string())
                .collect();
            Some(Known {
                file,
                text,
                optimum,
                methods,
            })
        })
        .collect()
}

/// The size (`None` for a covering case) and seed of a stored file name such as
/// `tiny-12.json` or `covering-3.json`.
pub fn seed_of(file: &str) -> (Option<irregular::Size>, u64) {
    let stem = file.trim_end_matches(".json");
    let (size, seed) = stem.rsplit_once('-').expect("size-seed.json");
    let size = match size {
        "tiny" => Some(irregular::Size::Tiny),
        "small" => Some(irregular::Size::Small),
        "covering" => None,
        other => panic!("unknown size {other}"),
    };
    (size, seed.parse().expect("seed"))
}
