//! Why a region-slot is left uncovered: which teams could reach it and what they do
//! instead, with the one-slot marginal values of the evaluator ([`Detail`]).
//!
//! A region-slot is *uncovered* when no patrol team is there or no mobile team is
//! within the response standard. The top uncovered region-slots are those with the
//! most risk. For each, the patrol teams that could stand there (available in the slot,
//! region within their reach) and the mobile teams that could cover it (available, a
//! post within their reach from which the region is within the response standard) are
//! listed with what they do in that slot and what moving would lose and gain. The
//! values are one-slot marginals (see [`crate::schedule::detail`]): a move may break a
//! shift rule, so "net > 0" says where the plan is tight, not that the move is allowed.

use std::fmt::Write as _;

use crate::model::{Instance, RegionIdx, Slot, TeamIdx, TeamKind};
use crate::schedule::Detail;

use super::time::Clock;

/// What a team does in the slot in question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Doing {
    /// Not working; the reason in words.
    Off(&'static str),
    /// Working at this location (region for patrol teams, post for mobile teams).
    At(usize),
    /// Working at a location the instance does not know (a `location_kind` breach).
    Unknown,
}

/// A team that could cover the region-slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The team.
    pub team: TeamIdx,
    /// What it does in the slot.
    pub doing: Doing,
    /// For mobile teams: the post it would move to (the best one covering the region).
    pub target: Option<usize>,
    /// Objective value lost where it is now if it moved.
    pub loss: f64,
    /// Objective value gained where it would go.
    pub gain: f64,
}

impl Candidate {
    /// `gain - loss`.
    pub fn net(&self) -> f64 {
        self.gain - self.loss
    }

    /// Listing order: on duty elsewhere, off duty, resting, work limit used, unknown.
    pub fn class(&self) -> u8 {
        match self.doing {
            Doing::At(_) => 0,
            Doing::Off(OFF_DUTY) => 1,
            Doing::Off(RESTING) => 2,
            Doing::Off(_) => 3,
            Doing::Unknown => 4,
        }
    }
}

/// Not working, free to start a shift as far as rest and work limit go.
pub const OFF_DUTY: &str = "off duty";
/// Not working, within `min_rest_slots` of a worked slot.
pub const RESTING: &str = "resting between shifts";
/// Not working, `max_work_slots` already worked.
pub const WORK_LIMIT_USED: &str = "work limit used";

/// Counts of candidates by [`Candidate::class`], in words.
pub fn class_counts(cands: &[Candidate]) -> String {
    let names = [
        "on duty elsewhere",
        OFF_DUTY,
        RESTING,
        WORK_LIMIT_USED,
        "at an unknown location",
    ];
    let mut n = [0usize; 5];
    for c in cands {
        n[c.class() as usize] += 1;
    }
    names
        .iter()
        .zip(n)
        .filter(|(_, k)| *k > 0)
        .map(|(name, k)| format!("{k} {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The explanation of one region-slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The region.
    pub region: RegionIdx,
    /// The slot.
    pub slot: Slot,
    /// `risk[r,s]`.
    pub risk: f64,
    /// `w[r,s]`.
    pub weight: f64,
    /// `P[r,s]`.
    pub presence: f64,
    /// Patrol teams there.
    pub patrols: u32,
    /// Mobile teams within the response standard.
    pub response_teams: u32,
    /// Mobile teams within the backup standard.
    pub backup_teams: u32,
    /// Patrol teams that could stand there, best net first (empty when it is patrolled).
    pub patrol_candidates: Vec<Candidate>,
    /// Mobile teams that could cover it, best net first (empty when it is covered).
    pub mobile_candidates: Vec<Candidate>,
}

/// The `n` region-slots with the most risk among those with no patrol or no response
/// cover (risk > 0), most risk first; ties by region then slot.
pub fn top_uncovered(instance: &Instance, detail: &Detail, n: usize) -> Vec<(RegionIdx, Slot)> {
    let slots = detail.slots;
    let mut cells: Vec<(f64, RegionIdx, Slot)> = Vec::new();
    for (r, region) in instance.regions().iter().enumerate() {
        for s in 0..slots {
            let i = r * slots + s;
            let risk = region.risk[s];
            if risk > 0.0 && (detail.patrols[i] == 0 || !detail.c1[i]) {
                cells.push((risk, r, s));
            }
        }
    }
    cells.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    cells.into_iter().take(n).map(|(_, r, s)| (r, s)).collect()
}

/// Where team `k` is in slot `s`.
fn doing(instance: &Instance, detail: &Detail, k: TeamIdx, s: Slot) -> Doing {
    let pos = &detail.positions[k];
    let i = pos.partition_point(|&(t, _)| t < s);
    if let Some(&(t, l)) = pos.get(i) {
        if t == s {
            return Doing::At(l as usize);
        }
    }
    let worked = &detail.worked[k];
    if worked.binary_search(&s).is_ok() {
        return Doing::Unknown;
    }
    let rules = instance.rules_of(k);
    if worked.len() >= rules.max_work_slots {
        return Doing::Off(WORK_LIMIT_USED);
    }
    let near = |t: Slot| t.abs_diff(s) <= rules.min_rest_slots;
    if worked.iter().any(|&t| near(t)) {
        return Doing::Off(RESTING);
    }
    Doing::Off(OFF_DUTY)
}

/// Explains region-slot `(r, s)`.
pub fn explain(instance: &Instance, detail: &Detail, r: RegionIdx, s: Slot) -> Explanation {
    let i = detail.cell(r, s);
    let mut patrol_candidates = Vec::new();
    let mut mobile_candidates = Vec::new();
    let want_patrol = detail.patrols[i] == 0;
    let want_cover = !detail.c1[i];
    for (k, team) in instance.teams().iter().enumerate() {
        if !team.is_available(s) {
            continue;
        }
        let reach = instance.reach().locations(k);
        match team.kind {
            TeamKind::Patrol if want_patrol => {
                if reach.binary_search(&(r as u32)).is_err() {
                    continue;
                }
                let now = doing(instance, detail, k, s);
                let loss = match now {
                    Doing::At(l) => detail.presence_loss(instance, l, s, team.effectiveness),
                    _ => 0.0,
                };
                let gain = detail.presence_gain(instance, r, s, team.effectiveness);
                patrol_candidates.push(Candidate {
                    team: k,
                    doing: now,
                    target: None,
                    loss,
                    gain,
                });
            }
            TeamKind::Mobile if want_cover => {
                let posts: Vec<usize> = reach
                    .iter()
                    .map(|&p| p as usize)
                    .filter(|&p| {
                        instance
                            .reach()
                            .response_regions(k, p)
                            .binary_search(&(r as u32))
                            .is_ok()
                    })
                    .collect();
                if posts.is_empty() {
                    continue;
                }
                let now = doing(instance, detail, k, s);
                let from = match now {
                    Doing::At(p) => Some(p),
                    _ => None,
                };
                let mut best: Option<Candidate> = None;
                for p in posts {
                    let free = detail.at_post[p * detail.slots + s] < instance.posts()[p].capacity;
                    if !free && from != Some(p) {
                        continue;
                    }
                    let (loss, gain) = detail.cover_move(instance, k, s, from, Some(p));
                    let c = Candidate {
                        team: k,
                        doing: now,
                        target: Some(p),
                        loss,
                        gain,
                    };
                    if best.as_ref().is_none_or(|b| c.net() > b.net()) {
                        best = Some(c);
                    }
                }
                if let Some(c) = best {
                    mobile_candidates.push(c);
                }
            }
            _ => {}
        }
    }
    let order = |a: &Candidate, b: &Candidate| {
        a.class()
            .cmp(&b.class())
            .then(b.net().total_cmp(&a.net()))
            .then(a.team.cmp(&b.team))
    };
    patrol_candidates.sort_by(order);
    mobile_candidates.sort_by(order);
    Explanation {
        region: r,
        slot: s,
        risk: instance.regions()[r].risk[s],
        weight: detail.weight[i],
        presence: detail.presence[i],
        patrols: detail.patrols[i],
        response_teams: detail.response_teams[i],
        backup_teams: detail.backup_teams[i],
        patrol_candidates,
        mobile_candidates,
    }
}

/// Parses `REGION[@SLOT]` against the instance: the region index and the slot, if
/// given. Errors name what is wrong.
pub fn parse_target(instance: &Instance, text: &str) -> Result<(RegionIdx, Option<Slot>), String> {
    let (id, slot) = match text.rsplit_once('@') {
        Some((id, s)) => (id, Some(s)),
        None => (text, None),
    };
    let r = instance
        .regions()
        .iter()
        .position(|x| x.id == id)
        .ok_or_else(|| format!("--explain {text}: no region with id {id:?}"))?;
    let slot = match slot {
        None => None,
        Some(s) => {
            let v: Slot = s
                .parse()
                .map_err(|_| format!("--explain {text}: slot {s:?} is not a whole number"))?;
            if v >= instance.slots() {
                return Err(format!(
                    "--explain {text}: slot {v} is outside the horizon (0..{})",
                    instance.slots()
                ));
            }
            Some(v)
        }
    };
    Ok((r, slot))
}

/// The slots of region `r` that [`top_uncovered`] would rank, most risk first (at most `n`).
pub fn uncovered_slots_of(
    instance: &Instance,
    detail: &Detail,
    r: RegionIdx,
    n: usize,
) -> Vec<Slot> {
    let mut slots: Vec<Slot> = (0..detail.slots)
        .filter(|&s| {
            let i = detail.cell(r, s);
            instance.regions()[r].risk[s] > 0.0 && (detail.patrols[i] == 0 || !detail.c1[i])
        })
        .collect();
    let risk = &instance.regions()[r].risk;
    slots.sort_by(|&a, &b| risk[b].total_cmp(&risk[a]).then(a.cmp(&b)));
    slots.truncate(n);
    slots
}

/// How many candidates of each kind the text lists.
pub const LISTED_CANDIDATES: usize = 5;

/// What a candidate does, in words.
pub fn doing_text(instance: &Instance, c: &Candidate) -> String {
    let kind = instance.teams()[c.team].kind;
    match c.doing {
        Doing::Off(why) => why.to_string(),
        Doing::Unknown => "works at an unknown location".to_string(),
        Doing::At(l) => match kind {
            TeamKind::Patrol => format!("patrols {}", instance.regions()[l].id),
            TeamKind::Mobile => format!("stands by at {}", instance.posts()[l].id),
        },
    }
}

/// The explanation as lines of text for the terminal.
pub fn render_text(instance: &Instance, clock: &Clock, e: &Explanation) -> String {
    let region = &instance.regions()[e.region];
    let o = &instance.objective();
    let mut out = String::new();
    let group = region
        .group
        .as_deref()
        .map(|g| format!(", {g}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {}{} at {} (slot {}): risk {:.4}, presence weight {:.4}",
        region.id,
        region.name,
        group,
        clock.label(e.slot),
        e.slot,
        e.risk,
        e.weight
    );
    let _ = writeln!(
        out,
        "  patrol teams there: {} (presence {:.2}); mobile teams within {} min: {}; within {} min: {}",
        e.patrols, e.presence, o.response_minutes, e.response_teams, o.backup_minutes, e.backup_teams
    );
    let _ = writeln!(
        out,
        "  (one-slot values: loses = objective lost where the team is now, gains = objective gained \
         by the move, for a mobile team over every region it would newly cover; shift rules not checked)"
    );
    if e.patrols > 0 && e.response_teams > 0 {
        let _ = writeln!(out, "  covered: patrolled and within the response standard");
        return out;
    }
    if e.patrols == 0 {
        let _ = writeln!(
            out,
            "  no patrol: {} patrol team(s) available in this slot could reach it{}",
            e.patrol_candidates.len(),
            if e.patrol_candidates.is_empty() {
                String::new()
            } else {
                format!(": {}", class_counts(&e.patrol_candidates))
            }
        );
        for c in e.patrol_candidates.iter().take(LISTED_CANDIDATES) {
            let t = &instance.teams()[c.team];
            let _ = writeln!(
                out,
                "    {}{}: {}; moving here gains {:.4}, loses {:.4} (net {:+.4})",
                t.id,
                if t.volunteer {
                    " (volunteer, needs an escort)"
                } else {
                    ""
                },
                doing_text(instance, c),
                c.gain,
                c.loss,
                c.net()
            );
        }
        if e.patrol_candidates.len() > LISTED_CANDIDATES {
            let _ = writeln!(
                out,
                "    ... and {} more",
                e.patrol_candidates.len() - LISTED_CANDIDATES
            );
        }
    }
    if e.response_teams == 0 {
        let _ = writeln!(
            out,
            "  no response cover: {} mobile team(s) available in this slot could cover it from a post in their reach{}",
            e.mobile_candidates.len(),
            if e.mobile_candidates.is_empty() {
                String::new()
            } else {
                format!(": {}", class_counts(&e.mobile_candidates))
            }
        );
        for c in e.mobile_candidates.iter().take(LISTED_CANDIDATES) {
            let t = &instance.teams()[c.team];
            let target = c
                .target
                .map(|p| instance.posts()[p].id.as_str())
                .unwrap_or("-");
            let _ = writeln!(
                out,
                "    {}: {}; moving to {} gains {:.4}, loses {:.4} (net {:+.4})",
                t.id,
                doing_text(instance, c),
                target,
                c.gain,
                c.loss,
                c.net()
            );
        }
        if e.mobile_candidates.len() > LISTED_CANDIDATES {
            let _ = writeln!(
                out,
                "    ... and {} more",
                e.mobile_candidates.len() - LISTED_CANDIDATES
            );
        }
    }
    out
}
