//! The `patrolplan` binary: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    patrolplan::cli::main()
}
