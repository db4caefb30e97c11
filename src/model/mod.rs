//! The instance model: file types, validation, and the immutable validated [`Instance`].

pub mod atomic;
pub mod instance;
pub mod memory;
pub mod problem;
pub mod raw;
pub mod reach;
pub mod validate;

use std::path::Path;

pub use atomic::write_atomic;
pub use instance::*;
pub use problem::{Problem, CODES};
pub use raw::InstanceFile;
pub use validate::{build_instance, build_instance_owned};

/// Largest instance file read, in bytes (a hostile file gets an error, not an OOM).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Why an instance could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file was read but is not a valid instance.
    #[error("{} problem(s) in the instance:\n{}", .0.len(), render(.0))]
    Invalid(Vec<Problem>),
    /// A valid instance (as far as checked) that needs more memory than allowed.
    #[error(transparent)]
    Memory(#[from] memory::MemoryError),
}

fn render(ps: &[Problem]) -> String {
    ps.iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl InstanceError {
    /// The validation problems (empty for I/O errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            InstanceError::Invalid(ps) => ps,
            InstanceError::Io { .. } | InstanceError::Memory(_) => &[],
        }
    }
}

/// Parses instance JSON without validating it semantically.
pub fn parse_instance_file(json: &str) -> Result<InstanceFile, InstanceError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        InstanceError::Invalid(vec![Problem {
            code: "parse",
            path: if path == "." { "(file)".into() } else { path },
            message: inner.to_string(),
            action: "fix the JSON: check spelling of field names and value types against the instance format".into(),
        }])
    })
}

impl Instance {
    /// Parses and validates instance JSON.
    pub fn from_json(json: &str) -> Result<Instance, InstanceError> {
        let file = parse_instance_file(json)?;
        Instance::from_file_owned(file)
    }

    /// Validates a parsed file, keeping it (no copy) as the instance's source.
    pub fn from_file_owned(file: InstanceFile) -> Result<Instance, InstanceError> {
        build_instance_owned(file).map_err(InstanceError::Invalid)
    }

    /// Validates a parsed file.
    pub fn from_file(file: &InstanceFile) -> Result<Instance, InstanceError> {
        build_instance(file).map_err(InstanceError::Invalid)
    }
}

/// Reads, parses and validates an instance file.
pub fn load_instance(path: impl AsRef<Path>) -> Result<Instance, InstanceError> {
    let json = read_bounded(path.as_ref())?;
    Instance::from_json(&json)
}

/// [`load_instance`] within a memory limit of `limit` bytes (`None`: no limit) for
/// `work`: the estimate ([`memory::estimate`]) is checked after parsing, before the
/// per-slot arrays are expanded; validation may then build only as many reach, hop and
/// cover entries as the remaining room holds; the estimate is checked again with the
/// exact sizes. Fails with [`InstanceError::Memory`] (saying how much is needed and what
/// to reduce) instead of exhausting memory.
pub fn load_instance_within(
    path: impl AsRef<Path>,
    work: &memory::Work,
    limit: Option<u64>,
) -> Result<Instance, InstanceError> {
    let Some(limit) = limit else {
        return load_instance(path);
    };
    let path = path.as_ref();
    let io = |source| InstanceError::Io {
        path: path.display().to_string(),
        source,
    };
    // Before its contents are known: the text itself, then its parsed form. A travel
    // matrix parses to 16 bytes per entry from as little as 2 bytes of text ("0,");
    // other files to at most about twice their text.
    let file_bytes = std::fs::metadata(path).map_err(io)?.len();
    let reading = |what: &str, bytes: u64| memory::Estimate {
        parts: vec![memory::Part {
            what: what.into(),
            bytes,
        }],
    };
    memory::check(
        &reading("instance file text", file_bytes),
        &memory::Sizes::default(),
        limit,
    )?;
    let json = read_bounded(path)?;
    let factor = if json.contains("\"matrix\"") { 8 } else { 2 };
    memory::check(
        &reading(
            "instance file text and its parsed form",
            file_bytes.saturating_mul(1 + factor),
        ),
        &memory::Sizes::default(),
        limit,
    )?;
    let file = parse_instance_file(&json)?;
    let sizes = memory::Sizes::of_file(&file, json.len() as u64);
    let before = memory::estimate(&sizes, work, 0);
    memory::check(&before, &sizes, limit)?;
    let room = limit - before.peak();
    let entries = (room / memory::RELATION_ENTRY_BYTES).min(usize::MAX as u64) as usize;
    drop(json);
    let inst =
        validate::build_instance_owned_within(file, entries).map_err(InstanceError::Invalid)?;
    memory::check_instance(&inst, work, limit)?;
    Ok(inst)
}

/// Reads a text file after checking its size against [`MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path) -> Result<String, InstanceError> {
    let io = |source| InstanceError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(InstanceError::Invalid(vec![Problem {
            code: "file_too_large",
            path: "(file)".into(),
            message: format!(
                "{} bytes is more than the limit of {MAX_FILE_BYTES}",
                meta.len()
            ),
            action: "split the instance".into(),
        }]));
    }
    std::fs::read_to_string(path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Instance {
        Instance::from_json(include_str!("../../data/tiny.json")).expect("tiny is valid")
    }

    #[test]
    fn to_file_gives_the_same_instance_back() {
        let inst = tiny();
        let again = Instance::from_file(&inst.to_file()).expect("valid");
        assert_eq!(again.name(), inst.name());
        assert_eq!(again.teams().len(), inst.teams().len());
        assert_eq!(again.weights(), inst.weights());
    }

    #[test]
    fn replace_validates_the_changed_file_again() {
        let inst = tiny();
        let changed = inst
            .replace(|f| f.name = "tiny-changed".into())
            .expect("a new name is valid");
        assert_eq!(changed.name(), "tiny-changed");
        assert_ne!(inst.name(), "tiny-changed", "the original is untouched");

        let err = inst
            .replace(|f| {
                f.teams[0].rules = "no-such-rules".into();
                f.teams[1].id = f.teams[0].id.clone();
            })
            .expect_err("an unknown rule set and a duplicate id are invalid");
        let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"teams[0].rules"), "{paths:?}");
        assert!(paths.contains(&"teams[1].id"), "{paths:?}");
    }
}
