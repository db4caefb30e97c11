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
        // Act first, then tell: stderr may be a closed pipe (the terminal or the reader
        // is gone), so the message is written without `eprintln!`, which would panic
        // and leave the handler thread dead.
        if seen.swap(true, Ordering::SeqCst) {
            say_err("second signal: stopping now, nothing written");
            std::process::exit(130);
        }
        pressed.cancel();
        say_err("signal received: stopping; the best result found so far will be written (send it again to quit at once)");
    });
    if let Err(e) = installed {
        eprintln!(
            "warning: cannot handle SIGINT/SIGTERM ({e}); a signal will stop without writing"
        );
    }
    token
}

fn say_err(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}
