//! Steps 3 and 4 of the baseline (`docs/baseline.md`): volunteer escort and the
//! `min_patrol` repairs.

use super::{longest_run, Rotation};
use crate::model::{Instance, Slot, TeamIdx, TeamKind};
use crate::schedule::Shift;

/// Patrol teams per region-slot (`r * slots + s`): all, professionals, volunteers.
struct Counts {
    all: Vec<u32>,
    pros: Vec<u32>,
    volunteers: Vec<u32>,
}

impl Counts {
    fn new(instance: &Instance, plan: &[Vec<Shift>]) -> Counts {
        let n = instance.regions().len() * instance.slots();
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
        let t = &instance.teams()[k];
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

/// Step 3: each volunteer shift moves whole to the nearest region with a professional in
/// every slot, else keeps its longest escorted run at home (if long enough), else goes.
pub(super) fn escort_volunteers(
    instance: &Instance,
    plan: &mut [Vec<Shift>],
    near: &mut impl FnMut(TeamIdx) -> Vec<u32>,
) {
    let slots = instance.slots();
    let pros = Counts::new(instance, plan).pros;
    let escorted = |r: u32, s: Slot| pros[r as usize * slots + s] > 0;
    for (k, shifts) in plan.iter_mut().enumerate() {
        let t = &instance.teams()[k];
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
    let team = &instance.teams()[k];
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
    let longest = Rotation::new(instance.horizon().slot_minutes, rules).len;
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
pub(super) fn repair_min_patrol(instance: &Instance, plan: &mut [Vec<Shift>]) {
    let slots = instance.slots();
    let mut counts = Counts::new(instance, plan);
    let mut required = vec![0u32; instance.regions().len() * slots];
    for (r, region) in instance.regions().iter().enumerate() {
        for req in &region.min_patrol {
            for s in req.from..req.to.min(slots) {
                required[r * slots + s] = required[r * slots + s].max(req.teams);
            }
        }
    }
    for (r, region) in instance.regions().iter().enumerate() {
        if region.min_patrol.is_empty() {
            continue;
        }
        let ru = r as u32;
        let mut candidates: Vec<(f64, TeamIdx)> = (0..instance.teams().len())
            .filter(|&k| {
                let t = &instance.teams()[k];
                t.kind == TeamKind::Patrol
                    && !t.volunteer
                    && instance.reach().locations(k).binary_search(&ru).is_ok()
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
