//! Clock times of slots, from `horizon.start` (RFC 3339), in the start's own offset.

use chrono::{DateTime, Duration, FixedOffset};

use crate::model::Instance;

/// The clock of an instance: slot `s` starts at `start + s * slot_minutes`.
#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<DateTime<FixedOffset>>,
    slot_minutes: i64,
}

impl Clock {
    /// The instance's clock; without (or with an unreadable) `horizon.start` slots have
    /// no clock time.
    pub fn new(instance: &Instance) -> Clock {
        Clock {
            start: instance
                .horizon()
                .start
                .as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok()),
            slot_minutes: i64::from(instance.horizon().slot_minutes),
        }
    }

    /// Whether slots have clock times.
    pub fn has_times(&self) -> bool {
        self.start.is_some()
    }

    fn at(&self, slot: usize) -> Option<DateTime<FixedOffset>> {
        let minutes = (slot as i64).checked_mul(self.slot_minutes)?;
        self.start?
            .checked_add_signed(Duration::try_minutes(minutes)?)
    }

    /// RFC 3339 start time of slot `slot` (slot `slots` is the horizon's end), or an
    /// empty string without `horizon.start`.
    pub fn rfc3339(&self, slot: usize) -> String {
        self.at(slot).map(|t| t.to_rfc3339()).unwrap_or_default()
    }

    /// Short label for people: `Mon 08:00` with a start time, else `slot 8`.
    pub fn label(&self, slot: usize) -> String {
        match self.at(slot) {
            Some(t) => t.format("%a %H:%M").to_string(),
            None => format!("slot {slot}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_follow_the_start_offset() {
        let inst = Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap();
        let mut clock = Clock::new(&inst);
        clock.start = Some(DateTime::parse_from_rfc3339("2026-12-07T00:00:00+08:00").unwrap());
        clock.slot_minutes = 60;
        assert_eq!(clock.rfc3339(26), "2026-12-08T02:00:00+08:00");
        assert_eq!(clock.label(26), "Tue 02:00");
        clock.start = None;
        assert_eq!(clock.rfc3339(3), "");
        assert_eq!(clock.label(3), "slot 3");
    }
}
