//! Shift rule sets of the presets, scaled to the horizon.

use std::collections::BTreeMap;

use serde_json::Number;

use crate::model::raw::ShiftRulesSpec;

/// "Four crews, three shifts": 8-hour shifts, city patrol teams.
pub const PATROL_8H: &str = "patrol-8h";
/// "Three crews, two shifts": 12-hour shifts, patrol cars in towns and the countryside.
pub const PATROL_12H: &str = "patrol-12h";
/// Volunteer groups: short daytime turns.
pub const VOLUNTEER: &str = "volunteer";
/// Emergency mobile teams standing by in 12-hour shifts.
pub const STANDBY_12H: &str = "standby-12h";

/// One rule set, with a weekly work limit that is scaled to the horizon.
struct Rule {
    key: &'static str,
    min_shift: u64,
    max_shift: u64,
    min_rest: u64,
    weekly_work: u64,
    hop: f64,
}

const RULES: [Rule; 4] = [
    Rule {
        key: PATROL_8H,
        min_shift: 4,
        max_shift: 8,
        min_rest: 12,
        weekly_work: 40,
        hop: 25.0,
    },
    Rule {
        key: PATROL_12H,
        min_shift: 6,
        max_shift: 12,
        min_rest: 12,
        weekly_work: 48,
        hop: 30.0,
    },
    Rule {
        key: VOLUNTEER,
        min_shift: 2,
        max_shift: 4,
        min_rest: 12,
        weekly_work: 28,
        hop: 20.0,
    },
    Rule {
        key: STANDBY_12H,
        min_shift: 6,
        max_shift: 12,
        min_rest: 12,
        weekly_work: 48,
        hop: 30.0,
    },
];

/// The work limit over a horizon of `slots` hours: the weekly limit pro rata, rounded up,
/// but never less than one longest shift (so a one-day horizon allows a full shift).
pub fn max_work(weekly: u64, max_shift: u64, slots: usize) -> u64 {
    (weekly * slots as u64).div_ceil(168).max(max_shift)
}

/// Every rule set of the presets for a horizon of `slots` 60-minute slots.
pub fn shift_rules(slots: usize) -> BTreeMap<String, ShiftRulesSpec> {
    RULES
        .iter()
        .map(|r| {
            let spec = ShiftRulesSpec {
                min_shift_slots: Number::from(r.min_shift),
                max_shift_slots: Number::from(r.max_shift),
                min_rest_slots: Number::from(r.min_rest),
                max_work_slots: Number::from(max_work(r.weekly_work, r.max_shift, slots)),
                max_hop_minutes: r.hop,
            };
            (r.key.to_string(), spec)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_limits_scale_with_the_horizon() {
        assert_eq!(max_work(40, 8, 168), 40);
        assert_eq!(max_work(40, 8, 24), 8);
        assert_eq!(max_work(40, 8, 48), 12);
        assert_eq!(max_work(48, 12, 168), 48);
        assert_eq!(shift_rules(168).len(), 4);
    }
}
