//! Time on the horizon: instants as nanoseconds since the Unix epoch, the slot grid
//! from `--start`, clock windows read in the offset of `--start`, hours of the week.

use chrono::{DateTime, FixedOffset};

const NS_PER_SEC: i128 = 1_000_000_000;
const NS_PER_MIN: i128 = 60 * NS_PER_SEC;
const NS_PER_HOUR: i128 = 60 * NS_PER_MIN;
const NS_PER_DAY: i128 = 24 * NS_PER_HOUR;
/// Hours in a week; hour of week 0 is Monday 00:00-01:00 in the offset of `--start`.
pub const HOURS_PER_WEEK: usize = 168;

/// The slot grid of the horizon.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    /// First instant of slot 0, ns since the epoch.
    pub start_ns: i128,
    /// Length of a slot, ns.
    pub slot_ns: i128,
    /// Number of slots.
    pub slots: usize,
    /// The offset of `--start`, seconds east of UTC.
    pub offset_secs: i32,
}

/// Parses an RFC 3339 time into ns since the epoch and its offset.
pub fn parse_instant(text: &str) -> Option<(i128, i32)> {
    let t: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    let ns = t.timestamp() as i128 * NS_PER_SEC + t.timestamp_subsec_nanos() as i128;
    Some((ns, t.offset().local_minus_utc()))
}

impl Grid {
    /// The grid of `slots` slots of `slot_minutes` from `start` (RFC 3339).
    pub fn new(start: &str, slot_minutes: u32, slots: usize) -> Option<Grid> {
        let (start_ns, offset_secs) = parse_instant(start)?;
        Some(Grid {
            start_ns,
            slot_ns: slot_minutes as i128 * NS_PER_MIN,
            slots,
            offset_secs,
        })
    }

    /// End of the horizon, ns.
    pub fn end_ns(&self) -> i128 {
        self.start_ns + self.slot_ns * self.slots as i128
    }

    /// The slots wholly inside `[from, to)`, as a half-open slot range (possibly empty).
    pub fn whole_slots(&self, from_ns: i128, to_ns: i128) -> (usize, usize) {
        let n = self.slots as i128;
        let first = (from_ns - self.start_ns).div_euclid(self.slot_ns)
            + i128::from((from_ns - self.start_ns).rem_euclid(self.slot_ns) != 0);
        let last = (to_ns - self.start_ns).div_euclid(self.slot_ns);
        let (a, b) = (first.clamp(0, n), last.clamp(0, n));
        (a as usize, b.max(a) as usize)
    }

    /// Start of the local calendar day (in the offset of `--start`) that contains `t`.
    fn local_midnight(&self, t_ns: i128) -> i128 {
        let off = self.offset_secs as i128 * NS_PER_SEC;
        (t_ns + off).div_euclid(NS_PER_DAY) * NS_PER_DAY - off
    }

    /// The instants `[from, to)` of a daily clock window, edges in minutes after local
    /// midnight (`to` may be 1440), on every calendar day that can touch the horizon,
    /// including the day before it (so 22:00-06:00 covers the first morning).
    /// `to <= from` ends on the next day.
    pub fn daily_minutes(&self, from_min: u32, to_min: u32) -> Vec<(i128, i128)> {
        let (from, mut to) = (from_min as i128 * NS_PER_MIN, to_min as i128 * NS_PER_MIN);
        if to <= from {
            to += NS_PER_DAY;
        }
        let mut out = Vec::new();
        let mut day = self.local_midnight(self.start_ns) - NS_PER_DAY;
        let end = self.end_ns();
        while day < end {
            let (a, b) = (day + from, day + to);
            if b > self.start_ns && a < end {
                out.push((a, b));
            }
            day += NS_PER_DAY;
        }
        out
    }

    /// Local hour index of an instant: whole hours since the epoch in the offset of
    /// `--start` (hour boundaries are local clock hours).
    pub fn local_hour(&self, t_ns: i128) -> i64 {
        let off = self.offset_secs as i128 * NS_PER_SEC;
        (t_ns + off).div_euclid(NS_PER_HOUR) as i64
    }

    /// The pieces of slot `s`, split at local clock hours: `(local hour index, hours)`.
    pub fn slot_pieces(&self, s: usize) -> Vec<(i64, f64)> {
        let off = self.offset_secs as i128 * NS_PER_SEC;
        let a = self.start_ns + self.slot_ns * s as i128 + off;
        let b = a + self.slot_ns;
        let mut out = Vec::new();
        let mut t = a;
        while t < b {
            let hour = t.div_euclid(NS_PER_HOUR);
            let next = ((hour + 1) * NS_PER_HOUR).min(b);
            out.push((hour as i64, (next - t) as f64 / NS_PER_HOUR as f64));
            t = next;
        }
        out
    }
}

/// Hour of the week (0 = Monday 00:00) of a local hour index (1970-01-01 was a Thursday).
pub fn hour_of_week(local_hour: i64) -> usize {
    (local_hour + 72).rem_euclid(HOURS_PER_WEEK as i64) as usize
}

/// Parses `HH:MM` (00:00 to 23:59, and 24:00 when `allow_24` holds; `H:MM` is read as
/// `0H:MM`) into minutes.
pub fn parse_clock(text: &str, allow_24: bool) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if !(1..=2).contains(&h.len())
        || m.len() != 2
        || !h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if allow_24 => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid::new("2026-12-07T00:00:00+08:00", 60, 48).unwrap()
    }

    #[test]
    fn whole_slot_rule() {
        let g = grid();
        let h = NS_PER_HOUR;
        assert_eq!(g.whole_slots(g.start_ns, g.start_ns + 8 * h), (0, 8));
        // 07:30-16:30: slot 7 is not whole, slot 16 is not whole.
        assert_eq!(
            g.whole_slots(g.start_ns + 7 * h + h / 2, g.start_ns + 16 * h + h / 2),
            (8, 16)
        );
        // Clipped to the horizon.
        assert_eq!(
            g.whole_slots(g.start_ns - 5 * h, g.start_ns + 100 * h),
            (0, 48)
        );
        assert_eq!(
            g.whole_slots(g.start_ns + 100 * h, g.start_ns + 200 * h),
            (48, 48)
        );
        // A window inside one slot covers none.
        let (a, b) = g.whole_slots(g.start_ns + h / 4, g.start_ns + h / 2);
        assert_eq!(a, b);
    }

    #[test]
    fn overnight_window_covers_the_first_morning() {
        let g = grid();
        let w = g.daily_minutes(22 * 60, 6 * 60);
        let slots: Vec<_> = w.iter().map(|&(a, b)| g.whole_slots(a, b)).collect();
        assert_eq!(slots, vec![(0, 6), (22, 30), (46, 48)]);
    }

    #[test]
    fn hour_of_week_starts_monday() {
        let g = grid();
        // 2026-12-07 is a Monday; local midnight.
        assert_eq!(hour_of_week(g.local_hour(g.start_ns)), 0);
        assert_eq!(
            hour_of_week(g.local_hour(g.start_ns + 25 * NS_PER_HOUR)),
            25
        );
        assert_eq!(hour_of_week(g.local_hour(g.start_ns - NS_PER_HOUR)), 167);
    }

    #[test]
    fn clock_parsing() {
        assert_eq!(parse_clock("06:30", false), Some(390));
        assert_eq!(parse_clock("24:00", false), None);
        assert_eq!(parse_clock("24:00", true), Some(1440));
        assert_eq!(parse_clock("6:30", false), Some(390));
        assert_eq!(parse_clock("630", false), None);
        assert_eq!(parse_clock("12:60", false), None);
    }

    #[test]
    fn slot_pieces_split_at_local_hours() {
        let g = Grid::new("2026-12-07T00:30:00+05:30", 60, 2).unwrap();
        let p = g.slot_pieces(0);
        assert_eq!(p.len(), 2);
        assert!((p[0].1 - 0.5).abs() < 1e-12 && (p[1].1 - 0.5).abs() < 1e-12);
        assert_eq!(hour_of_week(p[0].0), 0);
    }
}
