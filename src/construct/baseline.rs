//! The hand-made baseline (MODEL.md section 5): the plan a dispatcher writes without
//! risk or footfall data. Every step is described in `docs/baseline.md`; in short:
//!
//! 1. every team works a fixed daily crew (06-14, 14-22 or 22-06, chosen by its index),
//!    clipped to its availability, with staggered days off to respect `max_work_slots`;
//! 2. a patrol team patrols the region nearest its base, a mobile team stands at the
//!    nearest post with room left;
//! 3. volunteer shifts without a professional beside them move to the nearest region
//!    with one, or are trimmed, or dropped;
//! 4. unmet `min_patrol` slots get an extra shift of the nearest professional team that
//!    is free.
//!
//! It reads geometry, availability, shift rules, capacities and `min_patrol`, never
//! risk or footfall, and it is deterministic.

mod repair;

use std::collections::BTreeMap;

use crate::model::{Instance, ShiftRules, Slot, Team, TeamIdx, TeamKind};
use crate::schedule::{Schedule, Shift};

/// A shift while the baseline is being built: `start .. start + len` at one location.
type Block = (Slot, usize);

/// The daily rotation of one set of shift rules, in slots.
struct Rotation {
    day: i64,
    len: usize,
    offsets: [i64; 3],
}

impl Rotation {
    fn new(slot_minutes: u32, rules: &ShiftRules) -> Rotation {
        let per = |minutes: f64| (minutes / slot_minutes as f64).round() as i64;
        let day = per(1440.0).max(1);
        let len = (per(480.0).max(1) as usize).clamp(rules.min_shift_slots, rules.max_shift_slots);
        Rotation {
            day,
            len,
            offsets: [per(360.0), per(840.0), per(1320.0)],
        }
    }
}

/// The longest run of available slots in `from..to` (the earliest of equal runs).
fn longest_available(team: &Team, from: Slot, to: Slot) -> Option<Block> {
    longest_run(from, to.saturating_sub(from), |s| team.is_available(s))
}

/// The shifts of `team` in `crew`: one per day, clipped to availability, days chosen
/// cyclically from `first_day` until `max_work_slots`, then made to keep `min_rest_slots`.
fn crew_shifts(
    team: &Team,
    rules: &ShiftRules,
    rot: &Rotation,
    slots: usize,
    crew: usize,
    first_day: usize,
) -> Vec<Block> {
    let mut days = Vec::new();
    for d in -1..=(slots as i64 / rot.day + 1) {
        let a = (d * rot.day + rot.offsets[crew]).clamp(0, slots as i64) as usize;
        let b = (d * rot.day + rot.offsets[crew] + rot.len as i64).clamp(0, slots as i64) as usize;
        if let Some((start, len)) = longest_available(team, a, b) {
            if len >= rules.min_shift_slots.max(1) {
                days.push((start, len.min(rules.max_shift_slots)));
            }
        }
    }
    let mut chosen = Vec::new();
    let mut budget = rules.max_work_slots;
    for i in 0..days.len() {
        let (start, len) = days[(first_day + i) % days.len()];
        let len = len.min(budget);
        if len >= rules.min_shift_slots.max(1) {
            chosen.push((start, len));
            budget -= len;
        }
    }
    chosen.sort_unstable();
    let mut kept: Vec<Block> = Vec::new();
    for (start, len) in chosen {
        let earliest = kept
            .last()
            .map_or(0, |&(a, l)| a + l + rules.min_rest_slots);
        let end = start + len;
        let start = start.max(earliest);
        if end >= start + rules.min_shift_slots.max(1) {
            kept.push((start, end - start));
        }
    }
    kept
}

/// The shifts of crew `index mod 3`, or of the next crew that gives the team any shift
/// (a volunteer available only in the daytime joins a day crew).
fn rotation_for(instance: &Instance, k: TeamIdx, index: usize) -> Vec<Block> {
    let team = &instance.teams()[k];
    let rules = instance.rules_of(k);
    let rot = Rotation::new(instance.horizon().slot_minutes, rules);
    (0..3)
        .map(|c| {
            crew_shifts(
                team,
                rules,
                &rot,
                instance.slots(),
                (index + c) % 3,
                index / 3,
            )
        })
        .find(|shifts| !shifts.is_empty())
        .unwrap_or_default()
}

/// Locations in the team's reach where it may stay put, nearest to its base first.
fn by_distance(instance: &Instance, k: TeamIdx) -> Vec<u32> {
    let max_hop = instance.rules_of(k).max_hop_minutes;
    let mut locs: Vec<(f64, u32)> = instance
        .reach()
        .locations(k)
        .iter()
        .filter(|&&l| instance.hop_minutes(k, l as usize, l as usize) <= max_hop)
        .map(|&l| (instance.base_minutes(k, l as usize), l))
        .collect();
    locs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    locs.into_iter().map(|(_, l)| l).collect()
}

/// Builds the baseline schedule of `instance` (see the module documentation).
pub fn baseline(instance: &Instance) -> Schedule {
    let slots = instance.slots();
    let mut plan: Vec<Vec<Shift>> = vec![Vec::new(); instance.teams().len()];
    // Teams sharing base, speed and rules share their nearest-location list.
    type Key = (TeamKind, [u64; 2], usize, u64, Option<u64>, usize);
    let mut nearest: BTreeMap<Key, Vec<u32>> = BTreeMap::new();
    let mut near = |k: TeamIdx| -> Vec<u32> {
        let t = &instance.teams()[k];
        let key = (
            t.kind,
            [t.base.point.x().to_bits(), t.base.point.y().to_bits()],
            t.base.matrix,
            t.speed_kmh.to_bits(),
            t.reach_minutes.map(f64::to_bits),
            t.rules,
        );
        nearest
            .entry(key)
            .or_insert_with(|| by_distance(instance, k))
            .clone()
    };
    let mut counters = [0usize; 3];
    let mut at_post = vec![0u32; instance.posts().len() * slots];
    for (k, team) in instance.teams().iter().enumerate() {
        let bucket = match (team.kind, team.volunteer) {
            (TeamKind::Patrol, false) => 0,
            (TeamKind::Patrol, true) => 1,
            (TeamKind::Mobile, _) => 2,
        };
        let index = counters[bucket];
        counters[bucket] += 1;
        let locations = near(k);
        let shifts = rotation_for(instance, k, index);
        match team.kind {
            TeamKind::Patrol => {
                if let Some(&home) = locations.first() {
                    plan[k] = shifts
                        .into_iter()
                        .map(|(start, len)| Shift {
                            start,
                            at: vec![home; len],
                        })
                        .collect();
                }
            }
            TeamKind::Mobile => {
                for (start, len) in shifts {
                    let free = |p: u32| {
                        let cap = instance.posts()[p as usize].capacity;
                        (start..start + len).all(|s| at_post[p as usize * slots + s] < cap)
                    };
                    if let Some(&p) = locations.iter().find(|&&p| free(p)) {
                        (start..start + len).for_each(|s| at_post[p as usize * slots + s] += 1);
                        plan[k].push(Shift {
                            start,
                            at: vec![p; len],
                        });
                    }
                }
            }
        }
    }
    if instance.objective().volunteers_need_professional {
        repair::escort_volunteers(instance, &mut plan, &mut near);
    }
    repair::repair_min_patrol(instance, &mut plan);
    for shifts in &mut plan {
        shifts.sort_by_key(|sh| sh.start);
    }
    Schedule { shifts: plan }
}

/// The longest run of slots in `start .. start + len` (the earliest of equal runs)
/// whose slots all pass `ok`.
fn longest_run(start: Slot, len: usize, ok: impl Fn(Slot) -> bool) -> Option<Block> {
    let (mut best, mut run): (Option<Block>, Option<Slot>) = (None, None);
    for s in start..=start + len {
        if s < start + len && ok(s) {
            run.get_or_insert(s);
        } else if let Some(a) = run.take() {
            if best.is_none_or(|(_, l)| s - a > l) {
                best = Some((a, s - a));
            }
        }
    }
    best
}
