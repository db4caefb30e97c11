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
    let (mut best, mut run_start): (Option<Block>, Option<Slot>) = (None, None);
    for s in from..=to {
        if s < to && team.is_available(s) {
            run_start.get_or_insert(s);
        } else if let Some(a) = run_start.take() {
            if best.is_none_or(|(_, len)| s - a > len) {
                best = Some((a, s - a));
            }
        }
    }
    best
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

/// The crew (tried from `index % 3`) that gives the team the most worked slots.
fn rotation_for(instance: &Instance, k: TeamIdx, index: usize) -> Vec<Block> {
    let team = &instance.teams[k];
    let rules = instance.rules_of(k);
    let rot = Rotation::new(instance.horizon.slot_minutes, rules);
    let mut best: Vec<Block> = Vec::new();
    for c in 0..3 {
        let shifts = crew_shifts(
            team,
            rules,
            &rot,
            instance.slots(),
            (index + c) % 3,
            index / 3,
        );
        let total = |v: &[Block]| v.iter().map(|b| b.1).sum::<usize>();
        if total(&shifts) > total(&best) {
            best = shifts;
        }
    }
    best
}

/// Locations in the team's reach where it may stay put, nearest to its base first.
fn by_distance(instance: &Instance, k: TeamIdx) -> Vec<u32> {
    let max_hop = instance.rules_of(k).max_hop_minutes;
    let mut locs: Vec<(f64, u32)> = instance
        .reach
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
    let mut plan: Vec<Vec<(Block, u32)>> = vec![Vec::new(); instance.teams.len()];
    // Teams sharing base, speed and rules share their nearest-location list.
    type Key = (TeamKind, [u64; 2], usize, u64, Option<u64>, usize);
    let mut nearest: BTreeMap<Key, Vec<u32>> = BTreeMap::new();
    let mut near = |k: TeamIdx| -> Vec<u32> {
        let t = &instance.teams[k];
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
    let mut at_post = vec![0u32; instance.posts.len() * slots];
    for (k, team) in instance.teams.iter().enumerate() {
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
                    plan[k] = shifts.into_iter().map(|b| (b, home)).collect();
                }
            }
            TeamKind::Mobile => {
                for (start, len) in shifts {
                    let free = |p: u32| {
                        let cap = instance.posts[p as usize].capacity;
                        (start..start + len).all(|s| at_post[p as usize * slots + s] < cap)
                    };
                    if let Some(&p) = locations.iter().find(|&&p| free(p)) {
                        (start..start + len).for_each(|s| at_post[p as usize * slots + s] += 1);
                        plan[k].push(((start, len), p));
                    }
                }
            }
        }
    }
    if instance.objective.volunteers_need_professional {
        escort_volunteers(instance, &mut plan, &mut near);
    }
    repair_min_patrol(instance, &mut plan);
    Schedule {
        shifts: plan
            .into_iter()
            .map(|mut blocks| {
                blocks.sort_unstable();
                blocks
                    .into_iter()
                    .map(|((start, len), l)| Shift {
                        start,
                        at: vec![l; len],
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Professional patrol teams per region-slot.
fn professionals(instance: &Instance, plan: &[Vec<(Block, u32)>]) -> Vec<u32> {
    let slots = instance.slots();
    let mut count = vec![0u32; instance.regions.len() * slots];
    for (k, blocks) in plan.iter().enumerate() {
        let t = &instance.teams[k];
        if t.kind == TeamKind::Patrol && !t.volunteer {
            for &((start, len), r) in blocks {
                (start..start + len).for_each(|s| count[r as usize * slots + s] += 1);
            }
        }
    }
    count
}

/// Step 3: each volunteer shift moves whole to the nearest region with a professional in
/// every slot, else keeps its longest escorted run at home (if long enough), else goes.
fn escort_volunteers(
    instance: &Instance,
    plan: &mut [Vec<(Block, u32)>],
    near: &mut impl FnMut(TeamIdx) -> Vec<u32>,
) {
    let slots = instance.slots();
    let pros = professionals(instance, plan);
    let escorted = |r: u32, s: Slot| pros[r as usize * slots + s] > 0;
    for k in 0..plan.len() {
        let t = &instance.teams[k];
        if t.kind != TeamKind::Patrol || !t.volunteer || plan[k].is_empty() {
            continue;
        }
        let min_len = instance.rules_of(k).min_shift_slots;
        let locations = near(k);
        let mut kept = Vec::new();
        for &((start, len), home) in &plan[k] {
            let all = |r: u32| (start..start + len).all(|s| escorted(r, s));
            if let Some(&r) = locations.iter().find(|&&r| all(r)) {
                kept.push(((start, len), r));
                continue;
            }
            let mut best: Option<Block> = None;
            let mut run: Option<Slot> = None;
            for s in start..=start + len {
                if s < start + len && escorted(home, s) {
                    run.get_or_insert(s);
                } else if let Some(a) = run.take() {
                    if best.is_none_or(|(_, l)| s - a > l) {
                        best = Some((a, s - a));
                    }
                }
            }
            if let Some(b) = best.filter(|b| b.1 >= min_len.max(1)) {
                kept.push((b, home));
            }
        }
        plan[k] = kept;
    }
}

/// Whether team `k` can add shift `(start, len)` to its blocks keeping availability,
/// rest and the work limit.
fn fits(instance: &Instance, k: TeamIdx, blocks: &[(Block, u32)], start: Slot, len: usize) -> bool {
    let team = &instance.teams[k];
    let rules = instance.rules_of(k);
    let worked: usize = blocks.iter().map(|b| b.0 .1).sum();
    start + len <= instance.slots()
        && worked + len <= rules.max_work_slots
        && (start..start + len).all(|s| team.is_available(s))
        && blocks.iter().all(|&((a, l), _)| {
            a + l + rules.min_rest_slots <= start || start + len + rules.min_rest_slots <= a
        })
}

/// Step 4: for each region-slot short of its `min_patrol`, in region then slot order,
/// the nearest professional patrol team (base to region) that can add a shift covering
/// the slot there gets one: longest first (up to the rotation length), latest start first.
fn repair_min_patrol(instance: &Instance, plan: &mut [Vec<(Block, u32)>]) {
    let slots = instance.slots();
    let mut patrols = vec![0u32; instance.regions.len() * slots];
    for (k, blocks) in plan.iter().enumerate() {
        if instance.teams[k].kind == TeamKind::Patrol {
            for &((start, len), r) in blocks {
                (start..start + len).for_each(|s| patrols[r as usize * slots + s] += 1);
            }
        }
    }
    for (r, region) in instance.regions.iter().enumerate() {
        if region.min_patrol.is_empty() {
            continue;
        }
        let mut candidates: Vec<(f64, TeamIdx)> = (0..instance.teams.len())
            .filter(|&k| {
                let t = &instance.teams[k];
                t.kind == TeamKind::Patrol
                    && !t.volunteer
                    && instance
                        .reach
                        .locations(k)
                        .binary_search(&(r as u32))
                        .is_ok()
                    && instance.hop_minutes(k, r, r) <= instance.rules_of(k).max_hop_minutes
            })
            .map(|k| (instance.base_minutes(k, r), k))
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for req in &region.min_patrol {
            for s in req.from..req.to {
                while patrols[r * slots + s] < req.teams {
                    let Some((k, start, len)) = candidates.iter().find_map(|&(_, k)| {
                        let rules = instance.rules_of(k);
                        let longest = Rotation::new(instance.horizon.slot_minutes, rules).len;
                        (rules.min_shift_slots.max(1)..=longest)
                            .rev()
                            .find_map(|len| {
                                (s.saturating_sub(len - 1)..=s)
                                    .rev()
                                    .find(|&start| fits(instance, k, &plan[k], start, len))
                                    .map(|start| (k, start, len))
                            })
                    }) else {
                        break;
                    };
                    plan[k].push(((start, len), r as u32));
                    (start..start + len).for_each(|t| patrols[r * slots + t] += 1);
                }
            }
        }
    }
}
