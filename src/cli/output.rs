//! What every command writes: files atomically (a failure is exit 1 naming the path, and
//! nothing half-written is left), and stdout text that a closed pipe does not turn into
//! a panic (`patrolplan validate x | head -0`).

use std::io::{self, Write};
use std::path::Path;

use super::Failure;
use crate::model::write_atomic;

/// Writes `bytes` to `path` atomically (temporary file beside it, then rename). A
/// failure is [`Failure::Unwanted`] (exit 1) that names the path and says why in plain
/// words; the temporary file is removed and an existing file at `path` is kept.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_atomic(path, bytes).map_err(|e| write_failure(path, &e))
}

/// The failure of writing `path`, in plain words.
pub fn write_failure(path: &Path, e: &io::Error) -> Failure {
    Failure::Unwanted(anyhow::anyhow!(
        "cannot write {}: {}",
        path.display(),
        plain_cause(path, e)
    ))
}

fn plain_cause(path: &Path, e: &io::Error) -> String {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match e.kind() {
        io::ErrorKind::NotFound => format!("the directory {} does not exist", dir.display()),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            format!("no permission to write in {}", dir.display())
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "the disk is full (nothing was written)".into()
        }
        io::ErrorKind::FileTooLarge => {
            "the file would exceed the size limit (ulimit -f or the file system); nothing was written".into()
        }
        io::ErrorKind::IsADirectory => "it is a directory; give a file name".into(),
        io::ErrorKind::NotADirectory => format!("{} is not a directory", dir.display()),
        _ => e.to_string(),
    }
}

/// Prints to stdout; a closed stdout (the reader went away) is not an error: the
/// output is simply dropped, as nobody reads it.
pub fn print_stdout(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints to stderr; a closed stderr is not an error (see [`print_stdout`]).
pub fn print_stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
