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
    let team = &instance.teams[k];
    let rules = instance.rules_of(k);
    let rot = Rotation::new(instance.horizon.slot_minutes, rules);
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
    let mut plan: Vec<Vec<Shift>> = vec![Vec::new(); instance.teams.len()];
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
                        let cap = instance.posts[p as usize].capacity;
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
    if instance.objective.volunteers_need_professional {
        escort_volunteers(instance, &mut plan, &mut near);
    }
    repair_min_patrol(instance, &mut plan);
    for shifts in &mut plan {
        shifts.sort_by_key(|sh| sh.start);
    }
    Schedule { shifts: plan }
}

/// Patrol teams per region-slot (`r * slots + s`): all, professionals, volunteers.
struct Counts {
    all: Vec<u32>,
    pros: Vec<u32>,
    volunteers: Vec<u32>,
}

impl Counts {
    fn new(instance: &Instance, plan: &[Vec<Shift>]) -> Counts {
        let n = instance.regions.len() * instance.slots();
        let mut c = Counts {
            all: vec![0; n],
            pros: vec![0; n],
            volunteers: vec![0; n],
        };
        for (k, shifts) in plan.iter().enumerate() {
            for sh in shifts {
                for (i, &r) in sh.at.iter().enumerate() {
                    c.add(instance, k, r, sh.start + i, 1);
                }
            }
        }
        c
    }

    fn add(&mut self, instance: &Instance, k: TeamIdx, r: u32, s: Slot, n: i32) {
        let t = &instance.teams[k];
        if t.kind != TeamKind::Patrol {
            return;
        }
        let i = r as usize * instance.slots() + s;
        let bump = |v: &mut u32| *v = v.wrapping_add_signed(n);
        bump(&mut self.all[i]);
        bump(if t.volunteer {
            &mut self.volunteers[i]
        } else {
            &mut self.pros[i]
        });
    }
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

/// Step 3: each volunteer shift moves whole to the nearest region with a professional in
/// every slot, else keeps its longest escorted run at home (if long enough), else goes.
fn escort_volunteers(
    instance: &Instance,
    plan: &mut [Vec<Shift>],
    near: &mut impl FnMut(TeamIdx) -> Vec<u32>,
) {
    let slots = instance.slots();
    let pros = Counts::new(instance, plan).pros;
    let escorted = |r: u32, s: Slot| pros[r as usize * slots + s] > 0;
    for (k, shifts) in plan.iter_mut().enumerate() {
        let t = &instance.teams[k];
        if t.kind != TeamKind::Patrol || !t.volunteer || shifts.is_empty() {
            continue;
        }
        let min_len = instance.rules_of(k).min_shift_slots.max(1);
        let locations = near(k);
        let mut kept = Vec::new();
        for sh in shifts.iter() {
            let (start, len, home) = (sh.start, sh.at.len(), sh.at[0]);
            let all = |r: u32| (start..start + len).all(|s| escorted(r, s));
            if let Some(&r) = locations.iter().find(|&&r| all(r)) {
                kept.push(Shift {
                    start,
                    at: vec![r; len],
                });
            } else if let Some((a, l)) =
                longest_run(start, len, |s| escorted(home, s)).filter(|b| b.1 >= min_len)
            {
                kept.push(Shift {
                    start: a,
                    at: vec![home; l],
                });
            }
        }
        *shifts = kept;
    }
}

/// Whether team `k` can add shift `(start, len)` to `shifts` keeping availability, rest
/// and the work limit.
fn fits(instance: &Instance, k: TeamIdx, shifts: &[Shift], start: Slot, len: usize) -> bool {
    let team = &instance.teams[k];
    let rules = instance.rules_of(k);
    let worked: usize = shifts.iter().map(|sh| sh.at.len()).sum();
    start + len <= instance.slots()
        && worked + len <= rules.max_work_slots
        && (start..start + len).all(|s| team.is_available(s))
        && shifts.iter().all(|sh| {
            sh.end() + rules.min_rest_slots <= start
                || start + len + rules.min_rest_slots <= sh.start
        })
}

/// Repair 1: a shift of team `k` that ends at `r` before `s` (or starts at `r` after it)
/// and can stretch at `r` up to `s` keeping every rule; returns it stretched.
fn stay_longer(
    instance: &Instance,
    k: TeamIdx,
    shifts: &[Shift],
    r: u32,
    s: Slot,
) -> Option<(usize, Shift)> {
    let max = instance.rules_of(k).max_shift_slots;
    shifts.iter().enumerate().find_map(|(j, sh)| {
        let grown = if sh.end() <= s && sh.at.last() == Some(&r) {
            Shift {
                start: sh.start,
                at: [sh.at.clone(), vec![r; s + 1 - sh.end()]].concat(),
            }
        } else if sh.start > s && sh.at.first() == Some(&r) {
            Shift {
                start: s,
                at: [vec![r; sh.start - s], sh.at.clone()].concat(),
            }
        } else {
            return None;
        };
        let others: Vec<Shift> = shifts
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != j)
            .map(|(_, x)| x.clone())
            .collect();
        (grown.at.len() <= max && fits(instance, k, &others, grown.start, grown.at.len()))
            .then_some((j, grown))
    })
}

/// Repair 2: the longest new shift (up to the rotation length) at `r` covering `s`,
/// latest start first, that team `k` can add.
fn extra_shift(
    instance: &Instance,
    k: TeamIdx,
    shifts: &[Shift],
    r: u32,
    s: Slot,
) -> Option<Shift> {
    let rules = instance.rules_of(k);
    let longest = Rotation::new(instance.horizon.slot_minutes, rules).len;
    (rules.min_shift_slots.max(1)..=longest)
        .rev()
        .find_map(|len| {
            (s.saturating_sub(len - 1)..=s)
                .rev()
                .find(|&start| fits(instance, k, shifts, start, len))
                .map(|start| Shift {
                    start,
                    at: vec![r; len],
                })
        })
}

/// Repair 3: team `k` works at `s` elsewhere and can step over to `r` for that slot: `r`
/// in its reach, hops to and from `r` allowed, and the region it leaves keeps its own
/// `min_patrol` and, if volunteers stand there, a professional.
fn detour(
    instance: &Instance,
    k: TeamIdx,
    shifts: &[Shift],
    r: u32,
    s: Slot,
    counts: &Counts,
    required: &[u32],
) -> Option<(usize, usize)> {
    let slots = instance.slots();
    let max_hop = instance.rules_of(k).max_hop_minutes;
    let hop_ok = |a: u32, b: u32| instance.hop_minutes(k, a as usize, b as usize) <= max_hop;
    shifts.iter().enumerate().find_map(|(j, sh)| {
        let i = s.checked_sub(sh.start).filter(|&i| i < sh.at.len())?;
        let x = sh.at[i];
        let xi = x as usize * slots + s;
        let ok = x != r
            && counts.all[xi] > required[xi]
            && (counts.volunteers[xi] == 0 || counts.pros[xi] > 1)
            && (i == 0 || hop_ok(sh.at[i - 1], r))
            && (i + 1 == sh.at.len() || hop_ok(r, sh.at[i + 1]));
        ok.then_some((j, i))
    })
}

/// Step 4: for each region-slot short of its `min_patrol`, in region then slot order,
/// the professional patrol teams that have the region in reach are tried nearest first
/// (base to region, then index) with repair 1 (stay longer / come earlier), then
/// repair 2 (extra shift), then repair 3 (detour); a slot no repair fixes stays short.
fn repair_min_patrol(instance: &Instance, plan: &mut [Vec<Shift>]) {
    let slots = instance.slots();
    let mut counts = Counts::new(instance, plan);
    let mut required = vec![0u32; instance.regions.len() * slots];
    for (r, region) in instance.regions.iter().enumerate() {
        for req in &region.min_patrol {
            for s in req.from..req.to.min(slots) {
                required[r * slots + s] = required[r * slots + s].max(req.teams);
            }
        }
    }
    for (r, region) in instance.regions.iter().enumerate() {
        if region.min_patrol.is_empty() {
            continue;
        }
        let ru = r as u32;
        let mut candidates: Vec<(f64, TeamIdx)> = (0..instance.teams.len())
            .filter(|&k| {
                let t = &instance.teams[k];
                t.kind == TeamKind::Patrol
                    && !t.volunteer
                    && instance.reach.locations(k).binary_search(&ru).is_ok()
                    && instance.hop_minutes(k, r, r) <= instance.rules_of(k).max_hop_minutes
            })
            .map(|k| (instance.base_minutes(k, r), k))
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for s in 0..slots {
            while counts.all[r * slots + s] < required[r * slots + s] {
                let team =
                    |f: &dyn Fn(TeamIdx) -> bool| candidates.iter().map(|c| c.1).find(|&k| f(k));
                if let Some(k) = team(&|k| stay_longer(instance, k, &plan[k], ru, s).is_some()) {
                    let (j, grown) = stay_longer(instance, k, &plan[k], ru, s).expect("just found");
                    let old = plan[k][j].start..plan[k][j].end();
                    for t in (grown.start..grown.end()).filter(|t| !old.contains(t) && *t != s) {
                        counts.add(instance, k, ru, t, 1);
                    }
                    plan[k][j] = grown;
                } else if let Some(k) =
                    team(&|k| extra_shift(instance, k, &plan[k], ru, s).is_some())
                {
                    let sh = extra_shift(instance, k, &plan[k], ru, s).expect("just found");
                    for (i, &l) in sh.at.iter().enumerate().filter(|&(i, _)| sh.start + i != s) {
                        counts.add(instance, k, l, sh.start + i, 1);
                    }
                    plan[k].push(sh);
                } else if let Some(k) =
                    team(&|k| detour(instance, k, &plan[k], ru, s, &counts, &required).is_some())
                {
                    let (j, i) = detour(instance, k, &plan[k], ru, s, &counts, &required)
                        .expect("just found");
                    counts.add(instance, k, plan[k][j].at[i], s, -1);
                    plan[k][j].at[i] = ru;
                } else {
                    break;
                }
                counts.all[r * slots + s] += 1;
                counts.pros[r * slots + s] += 1;
            }
        }
    }
}
