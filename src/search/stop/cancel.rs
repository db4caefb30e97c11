//! Stop when the cancel button is pressed.

use super::{Position, StopRule};
use crate::search::CancelToken;

/// Stops once the token is cancelled.
#[derive(Debug, Clone)]
pub struct Cancelled(pub CancelToken);

impl StopRule for Cancelled {
    fn stop(&self, _at: &Position) -> bool {
        self.0.is_cancelled()
    }
}
