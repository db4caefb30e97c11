//! Problems in a planner's input files, each named by file, place (line or feature) and
//! column or property, so that all of them can be fixed in one pass.

use std::fmt;

use serde::Serialize;

/// Where in an input file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The file as a whole (unreadable, wrong kind of document).
    File,
    /// A CSV line, counted from 1 (the header is line 1).
    Line(u64),
    /// A GeoJSON feature, `features[i]` counted from 0.
    Feature(usize),
    /// A JSON path inside RULES.json or OBJ.json.
    Path(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => write!(f, "(file)"),
            Place::Line(n) => write!(f, "line {n}"),
            Place::Feature(i) => write!(f, "features[{i}]"),
            Place::Path(p) => write!(f, "{p}"),
        }
    }
}

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputProblem {
    /// The file, as given on the command line.
    pub file: String,
    /// Where in the file.
    pub place: Place,
    /// The CSV column, GeoJSON property (`properties.risk`, `geometry`) or JSON key;
    /// empty when the problem is about the whole line or feature.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.place != Place::File {
            write!(f, ": {}", self.place)?;
        }
        if !self.field.is_empty() {
            write!(f, ", {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects the problems found in the inputs.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem so far, in the order found.
    pub problems: Vec<InputProblem>,
}

impl Report {
    /// Records a problem.
    pub fn push(
        &mut self,
        file: &str,
        place: Place,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.problems.push(InputProblem {
            file: file.to_string(),
            place,
            field: field.into(),
            message: message.into(),
        });
    }
}

/// Why `build` produced no instance.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// An input file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The inputs have problems; every one found is listed.
    #[error("{} problem(s) in the inputs:\n{}", .0.len(), render(.0))]
    Invalid(Vec<InputProblem>),
}

fn render(ps: &[InputProblem]) -> String {
    ps.iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl BuildError {
    /// The problems (empty for I/O errors).
    pub fn problems(&self) -> &[InputProblem] {
        match self {
            BuildError::Invalid(ps) => ps,
            BuildError::Io { .. } => &[],
        }
    }
}
