//! `--max-memory` for every command that loads an instance: the instance is estimated
//! ([`crate::model::memory`]) before anything large is allocated, and the command stops
//! with exit 2 and a message saying how much it needs when that is above the limit.

use std::path::Path;

use clap::Args;

use super::Failure;
use crate::model::memory::{check_instance, default_limit, human, parse_size, Work};
use crate::model::{load_instance_within, Instance};

/// The memory limit option, shared by the commands.
#[derive(Debug, Clone, Args)]
pub struct MemoryArgs {
    /// Most memory the command may use, such as 4G or 512M (default: 3/4 of the memory
    /// available: MemAvailable, the cgroup's limit and `ulimit -v`, whichever is least).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
}

impl MemoryArgs {
    /// The limit in bytes: the option, else the default share of the available memory
    /// (`None` when it cannot be read: no limit).
    pub fn limit(&self) -> Option<u64> {
        self.max_memory.or_else(default_limit)
    }
}

/// Loads and validates the instance within the memory limit for `work`.
pub fn load(path: &Path, memory: &MemoryArgs, work: Work) -> Result<Instance, Failure> {
    load_instance_within(path, &work, memory.limit()).map_err(|e| Failure::BadInput(e.into()))
}

/// Checks a solve of `inst` with its exact component count. Returns whether the bound
/// is still computed: when only the bound does not fit, it is skipped (with a warning)
/// and the solve goes on without a gap; when the search does not fit, exit 2.
pub fn check_solve(
    inst: &Instance,
    memory: &MemoryArgs,
    want_bound: bool,
) -> Result<bool, Failure> {
    let Some(limit) = memory.limit() else {
        return Ok(want_bound);
    };
    let components = Some(crate::search::components::memory_profile(inst));
    check_instance(
        inst,
        &Work::Solve {
            components,
            with_bound: false,
        },
        limit,
    )
    .map_err(|e| Failure::BadInput(e.into()))?;
    if want_bound {
        let with_bound = Work::Solve {
            components,
            with_bound: true,
        };
        if let Err(e) = check_instance(inst, &with_bound, limit) {
            tell!(
                "warning: the upper bound would need about {}, more than the limit of {}; it is skipped (no gap is reported)",
                human(e.needed),
                human(limit)
            );
            return Ok(false);
        }
    }
    Ok(want_bound)
}

/// Size of a file in bytes, 0 when it cannot be read (the reader reports that).
pub fn file_bytes(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
