//! Regions, posts, shift rules and teams: each spec checked and turned into its
//! validated form.

use std::collections::BTreeMap;

use geo::Point;

use super::checker::Checker;
use super::{MAX_ENTITIES, MAX_SLOTS};
use crate::geo::{point::region_point, Node, TravelModel};
use crate::model::instance::*;
use crate::model::raw::*;

/// Matrix ids by id, when the travel model is a matrix.
pub(super) type CheckedTravel = Option<(TravelModel, BTreeMap<String, usize>)>;

pub(super) fn check_regions(
    ck: &mut Checker,
    file: &InstanceFile,
    slots: Option<usize>,
) -> Vec<Region> {
    // Regions.
    let mut regions = Vec::with_capacity(file.regions.len());
    for (i, spec) in file.regions.iter().enumerate() {
        let path = format!("regions[{i}]");
        let boundary = spec
            .boundary
            .as_ref()
            .and_then(|b| ck.boundary(b, &format!("{path}.boundary")));
        let point = match (spec.location, &boundary) {
            (Some(loc), _) => ck.coordinate(loc, &format!("{path}.location")),
            (None, Some(b)) => region_point(b),
            (None, None) => {
                if spec.boundary.is_none() {
                    ck.ps.push(
                        "no_point",
                        &path,
                        format!("region {:?} has neither location nor boundary", spec.id),
                        "add \"location\": [lon, lat] or a GeoJSON \"boundary\"",
                    );
                }
                None
            }
        };
        let population = spec.population.unwrap_or(1.0);
        ck.number(
            population,
            &format!("{path}.population"),
            0.0,
            f64::MAX,
            false,
        );
        let risk = ck.series(&spec.risk, &format!("{path}.risk"), slots);
        let footfall = match &spec.footfall {
            Some(f) => ck.series(f, &format!("{path}.footfall"), slots),
            None => slots.map(|s| vec![population; s]),
        };
        let mut min_patrol = Vec::new();
        for (j, m) in spec.min_patrol.iter().enumerate() {
            let mpath = format!("{path}.min_patrol[{j}]");
            let range = ck.slot_range(&m.from, &m.to, &mpath, slots);
            let teams = ck.count(&m.teams, &format!("{mpath}.teams"), 0, MAX_ENTITIES as u64);
            if let (Some((from, to)), Some(teams)) = (range, teams) {
                min_patrol.push(MinPatrol {
                    from,
                    to,
                    teams: teams as u32,
                });
            }
        }
        if let (Some(point), Some(risk), Some(footfall)) = (point, risk, footfall) {
            regions.push(Region {
                id: spec.id.clone(),
                name: spec.name.clone().unwrap_or_else(|| spec.id.clone()),
                group: spec.group.clone(),
                point,
                boundary,
                population,
                risk,
                footfall,
                min_patrol,
            });
        }
    }

    regions
}

pub(super) fn check_posts(ck: &mut Checker, file: &InstanceFile) -> Vec<Post> {
    // Posts.
    let mut posts = Vec::with_capacity(file.posts.len());
    for (i, spec) in file.posts.iter().enumerate() {
        let path = format!("posts[{i}]");
        let point = ck.coordinate(spec.location, &format!("{path}.location"));
        let capacity = match &spec.capacity {
            Some(c) => ck.count(c, &format!("{path}.capacity"), 0, MAX_ENTITIES as u64),
            None => Some(1),
        };
        if let (Some(point), Some(capacity)) = (point, capacity) {
            posts.push(Post {
                id: spec.id.clone(),
                point,
                capacity: capacity as u32,
            });
        }
    }

    posts
}

pub(super) fn check_rules<'a>(
    ck: &mut Checker,
    file: &'a InstanceFile,
    slots: Option<usize>,
) -> (Vec<ShiftRules>, BTreeMap<&'a str, usize>) {
    // Shift rules.
    let mut rules = Vec::new();
    let mut rule_index = BTreeMap::new();
    for (name, spec) in &file.shift_rules {
        let path = format!("shift_rules.{name}");
        let max = slots.unwrap_or(MAX_SLOTS as usize) as u64;
        let min_shift = ck.count(
            &spec.min_shift_slots,
            &format!("{path}.min_shift_slots"),
            1,
            max,
        );
        let max_shift = ck.count(
            &spec.max_shift_slots,
            &format!("{path}.max_shift_slots"),
            1,
            max,
        );
        let min_rest = ck.count(
            &spec.min_rest_slots,
            &format!("{path}.min_rest_slots"),
            1,
            u32::MAX as u64,
        );
        let max_work = ck.count(
            &spec.max_work_slots,
            &format!("{path}.max_work_slots"),
            0,
            u32::MAX as u64,
        );
        let hop_ok = ck.number(
            spec.max_hop_minutes,
            &format!("{path}.max_hop_minutes"),
            0.0,
            f64::MAX,
            false,
        );
        if let (Some(a), Some(b)) = (min_shift, max_shift) {
            if a > b {
                ck.ps.push(
                    "bad_shift_rules",
                    &path,
                    format!("min_shift_slots {a} > max_shift_slots {b}"),
                    "make min_shift_slots <= max_shift_slots",
                );
            }
        }
        if let (Some(a), Some(b), Some(c), Some(d), true) =
            (min_shift, max_shift, min_rest, max_work, hop_ok)
        {
            rule_index.insert(name.as_str(), rules.len());
            rules.push(ShiftRules {
                name: name.clone(),
                min_shift_slots: a as usize,
                max_shift_slots: b as usize,
                min_rest_slots: c as usize,
                max_work_slots: d as usize,
                max_hop_minutes: spec.max_hop_minutes,
            });
        }
    }

    (rules, rule_index)
}

/// The travel node of a region or post id.
pub(super) fn node_of(
    id: &str,
    points: &BTreeMap<&str, Point<f64>>,
    travel: &CheckedTravel,
) -> Option<Node> {
    let point = *points.get(id)?;
    let matrix = match travel {
        Some((TravelModel::Matrix { .. }, ids)) => *ids.get(id)?,
        _ => usize::MAX,
    };
    Some(Node { point, matrix })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn check_teams(
    ck: &mut Checker,
    file: &InstanceFile,
    slots: Option<usize>,
    loc_ids: &BTreeMap<&str, (TeamKind, usize)>,
    travel: &CheckedTravel,
    resolved: &BTreeMap<&str, Point<f64>>,
    rule_index: &BTreeMap<&str, usize>,
) -> Vec<Team> {
    let is_matrix = matches!(travel, Some((TravelModel::Matrix { .. }, _)));
    let mut teams = Vec::with_capacity(file.teams.len());
    for (i, spec) in file.teams.iter().enumerate() {
        let path = format!("teams[{i}]");
        if spec.volunteer && spec.kind == TeamKind::Mobile {
            ck.ps.push(
                "mobile_volunteer",
                format!("{path}.volunteer"),
                format!("mobile team {:?} is marked volunteer", spec.id),
                "only patrol teams may be volunteers; remove \"volunteer\": true",
            );
        }
        let members = ck.count(
            &spec.members,
            &format!("{path}.members"),
            1,
            u32::MAX as u64,
        );
        let base = match &spec.base {
            BaseSpec::Point(c) => {
                if is_matrix {
                    ck.ps.push(
                        "base_not_id",
                        format!("{path}.base"),
                        "the matrix travel model cannot place a coordinate base",
                        "use the id of a region or post in the matrix as base",
                    );
                    None
                } else {
                    ck.coordinate(*c, &format!("{path}.base")).map(Node::at)
                }
            }
            BaseSpec::Id(id) => match loc_ids.get(id.as_str()) {
                None => {
                    ck.ps.push(
                        "unknown_base",
                        format!("{path}.base"),
                        format!("{id:?} is not a region or post id"),
                        "use an existing region or post id, or [lon, lat]",
                    );
                    None
                }
                Some(_) => node_of(id, resolved, travel),
            },
        };
        let speed = match spec.speed_kmh {
            Some(v) => ck
                .number(v, &format!("{path}.speed_kmh"), 0.0, f64::MAX, true)
                .then_some(v),
            None if is_matrix => Some(1.0),
            None => {
                ck.ps.push(
                    "missing_speed",
                    format!("{path}.speed_kmh"),
                    format!("team {:?} has no speed", spec.id),
                    "add \"speed_kmh\" (for example 5 on foot, 30 by car)",
                );
                None
            }
        };
        let reach_ok = spec
            .reach_minutes
            .is_none_or(|v| ck.number(v, &format!("{path}.reach_minutes"), 0.0, f64::MAX, false));
        let effectiveness = spec.effectiveness.unwrap_or(1.0);
        let eff_ok = ck.number(
            effectiveness,
            &format!("{path}.effectiveness"),
            0.0,
            1.0,
            true,
        );
        let rules_idx = rule_index.get(spec.rules.as_str()).copied();
        if rules_idx.is_none() && !file.shift_rules.contains_key(&spec.rules) {
            ck.ps.push(
                "unknown_rules",
                format!("{path}.rules"),
                format!("{:?} is not a key of shift_rules", spec.rules),
                "use one of the keys of \"shift_rules\"",
            );
        }
        let mut available = Vec::new();
        let mut avail_ok = true;
        match &spec.available {
            None => available.extend(slots.map(|s| (0, s))),
            Some(ranges) => {
                for (j, [from, to]) in ranges.iter().enumerate() {
                    match ck.slot_range(from, to, &format!("{path}.available[{j}]"), slots) {
                        Some(r) => available.push(r),
                        None => avail_ok = false,
                    }
                }
            }
        }
        available.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in available {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        if let (Some(members), Some(base), Some(speed), true, true, Some(rules_idx), true) =
            (members, base, speed, reach_ok, eff_ok, rules_idx, avail_ok)
        {
            teams.push(Team {
                id: spec.id.clone(),
                kind: spec.kind,
                volunteer: spec.volunteer,
                members: members as u32,
                base,
                speed_kmh: speed,
                reach_minutes: spec.reach_minutes,
                effectiveness,
                rules: rules_idx,
                available: merged,
            });
        }
    }

    teams
}
