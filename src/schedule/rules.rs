//! The hard-rule checks of MODEL.md section 4, each written straight from its line in
//! the table. Travel is recomputed with the travel model (never taken from the
//! precomputed reach lists), so the checks also referee those lists.

use std::collections::BTreeMap;

use super::format::{ScheduleInput, UnknownTeam};
use super::occupancy::Occupancy;
use super::plan::{Schedule, Shift};
use super::replan::ReplanRules;
use super::violation::{Rule, Violation};
use crate::model::{Instance, Slot, TeamIdx, TeamKind};

/// Ids written in the file for unresolved locations, by `(team, slot)`.
pub(crate) type UnresolvedIds<'a> = BTreeMap<(TeamIdx, Slot), &'a str>;

/// Every region and post id with its kind and index: built only when the file lists a
/// location that is not of its team's kind, to measure that location's reach.
type PlaceIds<'a> = BTreeMap<&'a str, (TeamKind, usize)>;

/// Every breach of every rule, grouped by rule in the contract's order.
pub(crate) fn check_all(
    instance: &Instance,
    schedule: &Schedule,
    occ: &Occupancy,
    input: Option<&ScheduleInput>,
    replan: Option<&ReplanRules>,
) -> Vec<Violation> {
    let unresolved: UnresolvedIds = input
        .map(|i| {
            i.unresolved
                .iter()
                .map(|u| ((u.team, u.slot), u.id.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let places: PlaceIds = if unresolved.is_empty() {
        PlaceIds::new()
    } else {
        let regions = instance.regions().iter().enumerate();
        let posts = instance.posts().iter().enumerate();
        regions
            .map(|(i, r)| (r.id.as_str(), (TeamKind::Patrol, i)))
            .chain(posts.map(|(i, p)| (p.id.as_str(), (TeamKind::Mobile, i))))
            .collect()
    };
    let mut out = Vec::new();
    for (k, shifts) in schedule.shifts.iter().enumerate() {
        if k < instance.teams().len() {
            let known = (&unresolved, &places);
            check_team(instance, k, shifts, occ, known, replan, &mut out);
        } else {
            for shift in shifts {
                for i in 0..shift.at.len() {
                    out.push(violation(
                        Rule::LocationKind,
                        Some(format!("#{k}")),
                        Some(shift.start.saturating_add(i)),
                        None,
                        format!("team index {k} is not a team of the instance"),
                    ));
                }
            }
        }
    }
    for team in input.map(|i| i.unknown_teams.as_slice()).unwrap_or(&[]) {
        unknown_team(team, &mut out);
    }
    min_patrol(instance, occ, &mut out);
    post_capacity(instance, occ, &mut out);
    volunteer_escort(instance, occ, &mut out);
    // Stable: within a rule, breaches stay in team / slot order.
    out.sort_by_key(|v| v.rule);
    out
}

/// "Within t minutes" of the contract: `m <= t`; NaN and unreachable (infinite) are not.
fn within(m: f64, t: f64) -> bool {
    m <= t
}

fn violation(
    rule: Rule,
    team: Option<String>,
    slot: Option<Slot>,
    location: Option<String>,
    detail: String,
) -> Violation {
    Violation {
        rule,
        team,
        slot,
        location,
        detail,
    }
}

fn check_team(
    instance: &Instance,
    k: TeamIdx,
    shifts: &[Shift],
    occ: &Occupancy,
    (unresolved, places): (&UnresolvedIds, &PlaceIds),
    replan: Option<&ReplanRules>,
    out: &mut Vec<Violation>,
) {
    let team = &instance.teams()[k];
    let rules = instance.rules_of(k);
    let n_locations = instance.nodes(team.kind).len();
    let name = |l: u32| -> Option<String> {
        ((l as usize) < n_locations)
            .then(|| instance.location_id(team.kind, l as usize).to_string())
    };
    let v = |rule, slot, location, detail| {
        violation(rule, Some(team.id.clone()), slot, location, detail)
    };

    let mut base_cache: Option<(u32, f64)> = None;
    let mut hop_cache: Option<(usize, u32, f64)> = None;
    for (j, shift) in shifts.iter().enumerate() {
        let len = shift.at.len();
        // Section 9: a shift cut by an `unavailable` event may be short.
        let cut = len < rules.min_shift_slots
            && replan.is_some_and(|r| r.cut_allowed(k, shift.start, shift.end()));
        if (len < rules.min_shift_slots && !cut) || len > rules.max_shift_slots {
            out.push(v(
                Rule::ShiftLength,
                Some(shift.start),
                shift.at.first().and_then(|&l| name(l)),
                format!(
                    "shift of {len} slot(s) from slot {}; allowed {}..={} ({})",
                    shift.start, rules.min_shift_slots, rules.max_shift_slots, rules.name
                ),
            ));
        }
        if j > 0 {
            let prev_end = shifts[j - 1].end() as i128;
            let gap = shift.start as i128 - prev_end;
            if gap < rules.min_rest_slots as i128 {
                out.push(v(
                    Rule::Rest,
                    Some(shift.start),
                    None,
                    format!(
                        "shift {j} starts at slot {} but the previous one ends at slot {prev_end}: \
                         {gap} rest slot(s), at least {} needed (shifts in time order)",
                        shift.start, rules.min_rest_slots
                    ),
                ));
            }
        }
        for (i, &l) in shift.at.iter().enumerate() {
            let s = shift.start.saturating_add(i);
            // Built only for a breach: most slots break nothing.
            let here = || name(l).or_else(|| unresolved.get(&(k, s)).map(|id| id.to_string()));
            if !team.is_available(s) {
                let why = if s >= instance.slots() {
                    format!(
                        "slot {s} is beyond the horizon of {} slots",
                        instance.slots()
                    )
                } else {
                    format!(
                        "slot {s} is outside the available ranges {:?}",
                        team.available
                    )
                };
                out.push(v(Rule::Availability, Some(s), here(), why));
            }
            if l == Shift::NULL {
                // Dispatched: worked, but no location, so no reach or hop check.
                if !replan.is_some_and(|r| r.null_allowed(k, s)) {
                    out.push(v(
                        Rule::LocationKind,
                        Some(s),
                        None,
                        "null (dispatched, no location) outside a dispatched range of the team"
                            .into(),
                    ));
                }
                continue;
            }
            if (l as usize) >= n_locations {
                let id = here();
                out.push(v(
                    Rule::LocationKind,
                    Some(s),
                    id.clone(),
                    wrong_location(instance, team.kind, l, &id),
                ));
                // A location of the other kind is still a place with a distance from the
                // base: its reach breach is listed too (every breach, not the first).
                if let (Some(max), Some((kind, at))) =
                    (team.reach_minutes, other_kind(places, team.kind, &id))
                {
                    let m = instance.base_minutes_to(k, kind, at);
                    if !within(m, max) {
                        out.push(v(
                            Rule::Reach,
                            Some(s),
                            id,
                            format!("{m:.3} min from the base, more than reach_minutes {max}"),
                        ));
                    }
                }
                continue;
            }
            if let Some(max) = team.reach_minutes {
                // Consecutive slots mostly share a location: reuse its travel time.
                let m = match base_cache {
                    Some((at, m)) if at == l => m,
                    _ => instance.base_minutes(k, l as usize),
                };
                base_cache = Some((l, m));
                if !within(m, max) {
                    out.push(v(
                        Rule::Reach,
                        Some(s),
                        here(),
                        format!("{m:.3} min from the base, more than reach_minutes {max}"),
                    ));
                }
            }
            if i > 0 && (shift.at[i - 1] as usize) < n_locations {
                let from = shift.at[i - 1] as usize;
                let m = match hop_cache {
                    Some((a, b, m)) if (a, b) == (from, l) => m,
                    _ => instance.hop_minutes(k, from, l as usize),
                };
                hop_cache = Some((from, l, m));
                if !within(m, rules.max_hop_minutes) {
                    out.push(v(
                        Rule::Hop,
                        Some(s),
                        here(),
                        format!(
                            "{m:.3} min from {} (slot {}) more than max_hop_minutes {}",
                            instance.location_id(team.kind, from),
                            s - 1,
                            rules.max_hop_minutes
                        ),
                    ));
                }
            }
        }
    }
    let worked = &occ.worked[k];
    if worked.len() > rules.max_work_slots {
        out.push(v(
            Rule::WorkLimit,
            Some(worked[rules.max_work_slots]),
            None,
            format!(
                "works {} slot(s), at most {} allowed; the limit is passed at this slot",
                worked.len(),
                rules.max_work_slots
            ),
        ));
    }
}

/// The kind and index of `id` when it names a location of the kind other than `kind`.
fn other_kind(places: &PlaceIds, kind: TeamKind, id: &Option<String>) -> Option<(TeamKind, usize)> {
    places
        .get(id.as_deref()?)
        .copied()
        .filter(|&(other, _)| other != kind)
}

fn wrong_location(instance: &Instance, kind: TeamKind, l: u32, id: &Option<String>) -> String {
    let wanted = match kind {
        TeamKind::Patrol => "a region (patrol team)",
        TeamKind::Mobile => "a post (mobile team)",
    };
    match id {
        Some(id) if instance.regions().iter().any(|r| &r.id == id) => {
            format!("{id:?} is a region, expected {wanted}")
        }
        Some(id) if instance.posts().iter().any(|p| &p.id == id) => {
            format!("{id:?} is a post, expected {wanted}")
        }
        Some(id) => format!("{id:?} is not an id of the instance, expected {wanted}"),
        None => format!("location index {l} does not exist, expected {wanted}"),
    }
}

fn unknown_team(team: &UnknownTeam, out: &mut Vec<Violation>) {
    for shift in &team.shifts {
        for (i, id) in shift.at.iter().enumerate() {
            out.push(violation(
                Rule::LocationKind,
                Some(team.id.clone()),
                Some(shift.start.saturating_add(i)),
                id.clone(),
                format!("team {:?} does not exist in the instance", team.id),
            ));
        }
    }
}

fn min_patrol(instance: &Instance, occ: &Occupancy, out: &mut Vec<Violation>) {
    for (r, region) in instance.regions().iter().enumerate() {
        for req in &region.min_patrol {
            for s in req.from..req.to.min(occ.slots) {
                let n = occ.patrols[r * occ.slots + s];
                if n < req.teams {
                    out.push(violation(
                        Rule::MinPatrol,
                        None,
                        Some(s),
                        Some(region.id.clone()),
                        format!(
                            "{n} patrol team(s) in the region, at least {} required",
                            req.teams
                        ),
                    ));
                }
            }
        }
    }
}

fn post_capacity(instance: &Instance, occ: &Occupancy, out: &mut Vec<Violation>) {
    for (p, post) in instance.posts().iter().enumerate() {
        for s in 0..occ.slots {
            let n = occ.at_post[p * occ.slots + s];
            if n > post.capacity {
                out.push(violation(
                    Rule::PostCapacity,
                    None,
                    Some(s),
                    Some(post.id.clone()),
                    format!("{n} mobile teams at the post, capacity {}", post.capacity),
                ));
            }
        }
    }
}

fn volunteer_escort(instance: &Instance, occ: &Occupancy, out: &mut Vec<Violation>) {
    if !instance.objective().volunteers_need_professional {
        return;
    }
    for (k, team) in instance.teams().iter().enumerate() {
        if team.kind != TeamKind::Patrol || !team.volunteer {
            continue;
        }
        for &(s, r) in &occ.positions[k] {
            if occ.professionals[r as usize * occ.slots + s] == 0 {
                out.push(violation(
                    Rule::VolunteerEscort,
                    Some(team.id.clone()),
                    Some(s),
                    Some(instance.regions()[r as usize].id.clone()),
                    "no professional (non-volunteer) patrol team in the region in this slot".into(),
                ));
            }
        }
    }
}
