//! SIGINT (Ctrl-C) and SIGTERM stop a running solve, which then writes the best
//! schedule found; a second signal exits at once (exit 130).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::search::CancelToken;

/// A cancel token pressed by the first SIGINT or SIGTERM. If the handler cannot be
/// installed (a handler is already set in this process), the token is returned
/// unconnected and a warning is printed: the default signal behaviour stays.
pub fn cancel_on_signals() -> CancelToken {
    let token = CancelToken::new();
    let pressed = token.clone();
    let seen = AtomicBool::new(false);
    let installed = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::SeqCst) {
            eprintln!("second signal: stopping now, nothing written");
            std::process::exit(130);
        }
        eprintln!("signal received: stopping the search, the best schedule found will be written (send it again to quit at once)");
        pressed.cancel();
    });
    if let Err(e) = installed {
        eprintln!(
            "warning: cannot handle SIGINT/SIGTERM ({e}); a signal will stop without writing"
        );
    }
    token
}
