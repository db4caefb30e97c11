//! Turns an [`InstanceFile`] into a validated [`Instance`], reporting every problem.

use std::collections::{BTreeMap, BTreeSet};

use geo::{MultiPolygon, Point};
use serde_json::Number;

use super::instance::*;
use super::problem::{Problem, Problems};
use super::raw::*;
use crate::geo::{point::region_point, Node, Reach, TravelModel};

/// Most slots in a horizon (two weeks of minutes).
pub const MAX_SLOTS: u64 = 20_160;
/// Most regions, posts or teams in one instance.
pub const MAX_ENTITIES: usize = 500_000;
/// Most region-slot cells (`regions * slots`); bounds the expanded per-slot arrays.
pub const MAX_REGION_SLOTS: usize = 50_000_000;
/// Most ids in a travel matrix.
pub const MAX_MATRIX_IDS: usize = 20_000;

fn as_count(n: &Number) -> Option<u64> {
    if let Some(v) = n.as_u64() {
        return Some(v);
    }
    // 8.0 is an integer written with a decimal point; accept it.
    n.as_f64()
        .filter(|v| v.is_finite() && *v >= 0.0 && v.fract() == 0.0 && *v <= 9.0e15)
        .map(|v| v as u64)
}

struct Checker {
    ps: Problems,
}

impl Checker {
    fn count(&mut self, n: &Number, path: &str, min: u64, max: u64) -> Option<u64> {
        match as_count(n) {
            None => {
                self.ps.push(
                    "bad_integer",
                    path,
                    format!("{n} is not a non-negative integer"),
                    "write a whole number such as 8",
                );
                None
            }
            Some(v) if v < min || v > max => {
                self.ps.push(
                    "out_of_range",
                    path,
                    format!("{v} is outside {min}..={max}"),
                    format!("use a value from {min} to {max}"),
                );
                None
            }
            Some(v) => Some(v),
        }
    }

    fn number(&mut self, v: f64, path: &str, min: f64, max: f64, min_exclusive: bool) -> bool {
        let ok = v.is_finite() && (v > min || (!min_exclusive && v == min)) && v <= max;
        if !ok {
            let low = if min_exclusive { "(" } else { "[" };
            self.ps.push(
                "out_of_range",
                path,
                format!("{v} is outside {low}{min}, {max}]"),
                "use a finite number in the allowed range",
            );
        }
        ok
    }

    fn coordinate(&mut self, c: [f64; 2], path: &str) -> Option<Point<f64>> {
        let ok = c[0].is_finite()
            && c[1].is_finite()
            && (-180.0..=180.0).contains(&c[0])
            && (-90.0..=90.0).contains(&c[1]);
        if ok {
            Some(Point::new(c[0], c[1]))
        } else {
            self.ps.push(
                "bad_coordinate",
                path,
                format!("[{}, {}] is not [longitude, latitude] in degrees", c[0], c[1]),
                "write [lon, lat] with lon in -180..180 and lat in -90..90",
            );
            None
        }
    }

    fn series(&mut self, v: &PerSlot, path: &str, slots: Option<usize>) -> Option<Vec<f64>> {
        let slots = slots?;
        let values: Vec<f64> = match v {
            PerSlot::Scalar(x) => vec![*x; slots],
            PerSlot::Series(xs) => {
                if xs.len() != slots {
                    self.ps.push(
                        "series_length",
                        path,
                        format!("has {} entries but the horizon has {slots} slots", xs.len()),
                        "give one number, or exactly one number per slot",
                    );
                    return None;
                }
                xs.clone()
            }
        };
        let bad = values.iter().position(|x| !x.is_finite() || *x < 0.0);
        if let Some(i) = bad {
            let at = match v {
                PerSlot::Scalar(_) => path.to_string(),
                PerSlot::Series(_) => format!("{path}[{i}]"),
            };
            self.ps.push(
                "out_of_range",
                at,
                format!("{} is negative or not finite", values[i]),
                "use finite numbers >= 0",
            );
            return None;
        }
        Some(values)
    }

    fn slot_range(&mut self, from: &Number, to: &Number, path: &str, slots: Option<usize>) -> Option<(usize, usize)> {
        let (f, t) = (as_count(from), as_count(to));
        let (Some(f), Some(t)) = (f, t) else {
            self.ps.push(
                "bad_integer",
                path,
                format!("slot range [{from}, {to}] must hold non-negative integers"),
                "write slot numbers counted from 0",
            );
            return None;
        };
        let s = slots? as u64;
        if f >= t || t > s {
            self.ps.push(
                "bad_range",
                path,
                format!("slot range [{f}, {t}) is empty or outside the horizon [0, {s})"),
                format!("use 0 <= from < to <= {s}"),
            );
            return None;
        }
        Some((f as usize, t as usize))
    }

    fn boundary(&mut self, g: &geojson::Geometry, path: &str) -> Option<MultiPolygon<f64>> {
        let shape: Result<MultiPolygon<f64>, _> = match &g.value {
            geojson::Value::Polygon(_) => geo::Polygon::<f64>::try_from(g.value.clone())
                .map(|p| MultiPolygon::new(vec![p])),
            geojson::Value::MultiPolygon(_) => MultiPolygon::<f64>::try_from(g.value.clone()),
            other => {
                self.ps.push(
                    "bad_boundary",
                    path,
                    format!("a {} is not a Polygon or MultiPolygon", other.type_name()),
                    "give the region's outline as a GeoJSON Polygon or MultiPolygon",
                );
                return None;
            }
        };
        let Ok(shape) = shape else {
            self.ps.push(
                "bad_boundary",
                path,
                "the polygon's coordinates cannot be read",
                "give rings of [lon, lat] positions",
            );
            return None;
        };
        let rings_ok = !shape.0.is_empty()
            && shape.0.iter().all(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .all(|ring| ring.0.len() >= 4)
            });
        let coords_ok = shape.0.iter().all(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|ring| ring.0.iter())
                .all(|c| c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
        });
        if !rings_ok || !coords_ok {
            self.ps.push(
                "bad_boundary",
                path,
                "a ring has fewer than 4 positions or a position is not [lon, lat] in degrees",
                "close every ring (first position repeated last) with valid coordinates",
            );
            return None;
        }
        Some(shape)
    }
}

/// Validates a parsed file and builds the instance, or returns every problem found.
pub fn build_instance(file: &InstanceFile) -> Result<Instance, Vec<Problem>> {
    let mut ck = Checker { ps: Problems::default() };

    if file.format != INSTANCE_FORMAT {
        ck.ps.push(
            "format",
            "format",
            format!("is {:?}", file.format),
            format!("set \"format\": \"{INSTANCE_FORMAT}\""),
        );
    }
    if file.name.trim().is_empty() {
        ck.ps.push("empty_name", "name", "the instance name is empty", "give the instance a name");
    }

    // Sizes first: nothing big is allocated for a file that claims absurd sizes.
    let slot_minutes = ck.count(&file.horizon.slot_minutes, "horizon.slot_minutes", 1, 1440);
    let slots = ck
        .count(&file.horizon.slots, "horizon.slots", 1, MAX_SLOTS)
        .map(|s| s as usize);
    if let Some(start) = &file.horizon.start {
        if chrono::DateTime::parse_from_rfc3339(start).is_err() {
            ck.ps.push(
                "bad_start",
                "horizon.start",
                format!("{start:?} is not an RFC 3339 time"),
                "write for example 2026-12-07T00:00:00+08:00",
            );
        }
    }
    for (what, n) in [("regions", file.regions.len()), ("posts", file.posts.len()), ("teams", file.teams.len())] {
        if n > MAX_ENTITIES {
            ck.ps.push("too_large", what, format!("{n} entries"), format!("split the instance; at most {MAX_ENTITIES}"));
        }
    }
    if let Some(s) = slots {
        if file.regions.len().saturating_mul(s) > MAX_REGION_SLOTS {
            ck.ps.push(
                "too_large",
                "regions",
                format!("{} regions x {s} slots exceeds {MAX_REGION_SLOTS} region-slots", file.regions.len()),
                "use fewer regions or a shorter horizon",
            );
        }
    }
    if let Some(TravelSpec::Matrix { ids, .. }) = &file.travel {
        if ids.len() > MAX_MATRIX_IDS {
            ck.ps.push("too_large", "travel.ids", format!("{} ids", ids.len()), format!("at most {MAX_MATRIX_IDS}"));
        }
    }
    if ck.ps.0.iter().any(|p| p.code == "too_large") {
        return Err(ck.ps.0);
    }

    // Ids: regions and posts share one namespace.
    let mut loc_ids: BTreeMap<&str, (TeamKind, usize)> = BTreeMap::new();
    for (i, r) in file.regions.iter().enumerate() {
        check_id(&mut ck, &r.id, &format!("regions[{i}].id"), &mut loc_ids, (TeamKind::Patrol, i));
    }
    for (i, p) in file.posts.iter().enumerate() {
        check_id(&mut ck, &p.id, &format!("posts[{i}].id"), &mut loc_ids, (TeamKind::Mobile, i));
    }
    let mut team_ids = BTreeMap::new();
    for (i, t) in file.teams.iter().enumerate() {
        check_id(&mut ck, &t.id, &format!("teams[{i}].id"), &mut team_ids, (t.kind, i));
    }

    let travel = check_travel(&mut ck, file, &loc_ids);

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
        ck.number(population, &format!("{path}.population"), 0.0, f64::MAX, false);
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
                min_patrol.push(MinPatrol { from, to, teams: teams as u32 });
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
            posts.push(Post { id: spec.id.clone(), point, capacity: capacity as u32 });
        }
    }

    // Shift rules.
    let mut rules = Vec::new();
    let mut rule_index = BTreeMap::new();
    for (name, spec) in &file.shift_rules {
        let path = format!("shift_rules.{name}");
        let max = slots.unwrap_or(MAX_SLOTS as usize) as u64;
        let min_shift = ck.count(&spec.min_shift_slots, &format!("{path}.min_shift_slots"), 1, max);
        let max_shift = ck.count(&spec.max_shift_slots, &format!("{path}.max_shift_slots"), 1, max);
        let min_rest = ck.count(&spec.min_rest_slots, &format!("{path}.min_rest_slots"), 1, u32::MAX as u64);
        let max_work = ck.count(&spec.max_work_slots, &format!("{path}.max_work_slots"), 0, u32::MAX as u64);
        let hop_ok = ck.number(spec.max_hop_minutes, &format!("{path}.max_hop_minutes"), 0.0, f64::MAX, false);
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
        if let (Some(a), Some(b), Some(c), Some(d), true) = (min_shift, max_shift, min_rest, max_work, hop_ok) {
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

    // Teams.
    let resolved: BTreeMap<&str, Point<f64>> = regions
        .iter()
        .map(|r| (r.id.as_str(), r.point))
        .chain(posts.iter().map(|p| (p.id.as_str(), p.point)))
        .collect();
    let node_of = |id: &str, travel: &Option<(TravelModel, BTreeMap<String, usize>)>| -> Option<Node> {
        let point = *resolved.get(id)?;
        let matrix = match travel {
            Some((TravelModel::Matrix { .. }, ids)) => *ids.get(id)?,
            _ => usize::MAX,
        };
        Some(Node { point, matrix })
    };
    let is_matrix = matches!(&travel, Some((TravelModel::Matrix { .. }, _)));
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
        let members = ck.count(&spec.members, &format!("{path}.members"), 1, u32::MAX as u64);
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
                Some(_) => node_of(id, &travel),
            },
        };
        let speed = match spec.speed_kmh {
            Some(v) => ck.number(v, &format!("{path}.speed_kmh"), 0.0, f64::MAX, true).then_some(v),
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
        let eff_ok = ck.number(effectiveness, &format!("{path}.effectiveness"), 0.0, 1.0, true);
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

    let objective = check_objective(&mut ck, &file.objective);

    if !ck.ps.is_empty() {
        return Err(ck.ps.0);
    }
    let nodes_of = |items: Vec<(&str, Point<f64>)>| -> Vec<Node> {
        items
            .into_iter()
            .map(|(id, point)| node_of(id, &travel).unwrap_or(Node { point, matrix: usize::MAX }))
            .collect()
    };
    let region_nodes = nodes_of(regions.iter().map(|r| (r.id.as_str(), r.point)).collect());
    let post_nodes = nodes_of(posts.iter().map(|p| (p.id.as_str(), p.point)).collect());
    let (Some((travel, _)), Some(slots), Some(slot_minutes)) = (travel, slots, slot_minutes) else {
        unreachable!("a missing part always records a problem");
    };

    let weight = presence_weights(&regions, &objective, slots);
    let reach = Reach::compute(&travel, &region_nodes, &post_nodes, &teams, &rules, &objective);
    let instance = Instance {
        name: file.name.clone(),
        horizon: Horizon { start: file.horizon.start.clone(), slot_minutes: slot_minutes as u32, slots },
        travel,
        regions,
        posts,
        rules,
        teams,
        objective,
        region_nodes,
        post_nodes,
        weight,
        reach,
    };
    let unmeetable = check_min_patrol(&instance);
    if unmeetable.is_empty() {
        Ok(instance)
    } else {
        Err(unmeetable)
    }
}

fn check_id<'a>(
    ck: &mut Checker,
    id: &'a str,
    path: &str,
    seen: &mut BTreeMap<&'a str, (TeamKind, usize)>,
    value: (TeamKind, usize),
) {
    if id.trim().is_empty() {
        ck.ps.push("empty_name", path, "the id is empty", "give every region, post and team a non-empty id");
    } else if seen.insert(id, value).is_some() {
        ck.ps.push("duplicate_id", path, format!("id {id:?} is used more than once"), "make ids unique");
    }
}

fn check_travel(
    ck: &mut Checker,
    file: &InstanceFile,
    loc_ids: &BTreeMap<&str, (TeamKind, usize)>,
) -> Option<(TravelModel, BTreeMap<String, usize>)> {
    match file.travel.clone().unwrap_or(TravelSpec::Haversine { detour_factor: 1.3 }) {
        TravelSpec::Haversine { detour_factor } => ck
            .number(detour_factor, "travel.detour_factor", 1.0, f64::MAX, false)
            .then(|| (TravelModel::Haversine { detour_factor }, BTreeMap::new())),
        TravelSpec::Matrix { ids, minutes } => {
            let n = ids.len();
            let mut index = BTreeMap::new();
            let mut ok = true;
            for (i, id) in ids.iter().enumerate() {
                if index.insert(id.clone(), i).is_some() {
                    ck.ps.push("matrix_shape", format!("travel.ids[{i}]"), format!("{id:?} appears twice"), "list each id once");
                    ok = false;
                }
            }
            if minutes.len() != n {
                ck.ps.push(
                    "matrix_shape",
                    "travel.minutes",
                    format!("{} rows for {n} ids", minutes.len()),
                    "give one row per id",
                );
                ok = false;
            }
            let mut flat = Vec::with_capacity(n * n);
            for (i, row) in minutes.iter().enumerate() {
                if row.len() != n {
                    ck.ps.push(
                        "matrix_shape",
                        format!("travel.minutes[{i}]"),
                        format!("{} columns for {n} ids", row.len()),
                        "give one column per id",
                    );
                    ok = false;
                    continue;
                }
                for (j, v) in row.iter().enumerate() {
                    match v {
                        None => flat.push(f64::INFINITY),
                        Some(m) => {
                            if ck.number(*m, &format!("travel.minutes[{i}][{j}]"), 0.0, f64::MAX, false) {
                                flat.push(*m);
                            } else {
                                ok = false;
                            }
                        }
                    }
                }
            }
            let mut needed: BTreeSet<(String, String)> = BTreeSet::new();
            for (id, (kind, i)) in loc_ids {
                let what = if *kind == TeamKind::Patrol { "regions" } else { "posts" };
                needed.insert((id.to_string(), format!("{what}[{i}].id")));
            }
            for (i, t) in file.teams.iter().enumerate() {
                if let BaseSpec::Id(id) = &t.base {
                    if loc_ids.contains_key(id.as_str()) {
                        needed.insert((id.clone(), format!("teams[{i}].base")));
                    }
                }
            }
            let mut reported = BTreeSet::new();
            for (id, path) in needed {
                if !index.contains_key(&id) && reported.insert(id.clone()) {
                    ck.ps.push(
                        "matrix_missing_id",
                        path,
                        format!("{id:?} is not in travel.ids"),
                        "add a row and a column for it to the travel matrix",
                    );
                    ok = false;
                }
            }
            ok.then_some((TravelModel::Matrix { size: n, minutes: flat }, index))
        }
    }
}

fn check_objective(ck: &mut Checker, o: &ObjectiveSpec) -> Objective {
    if o.presence_marginals.is_empty() {
        ck.ps.push(
            "bad_marginals",
            "objective.presence_marginals",
            "no marginals given",
            "give at least one value, for example [1.0, 0.5, 0.25]",
        );
    }
    for (j, m) in o.presence_marginals.iter().enumerate() {
        let path = format!("objective.presence_marginals[{j}]");
        if ck.number(*m, &path, 0.0, f64::MAX, false) && j > 0 && *m > o.presence_marginals[j - 1] {
            ck.ps.push(
                "bad_marginals",
                path,
                format!("{m} is larger than the previous marginal {}", o.presence_marginals[j - 1]),
                "presence marginals must not increase (each extra team is worth no more)",
            );
        }
    }
    for (name, v) in [
        ("risk_weight", o.risk_weight),
        ("footfall_weight", o.footfall_weight),
        ("response_minutes", o.response_minutes),
        ("response_weight", o.response_weight),
        ("backup_minutes", o.backup_minutes),
        ("backup_weight", o.backup_weight),
    ] {
        ck.number(v, &format!("objective.{name}"), 0.0, f64::MAX, false);
    }
    ck.number(o.deterrence, "objective.deterrence", 0.0, 1.0, false);
    Objective {
        presence_marginals: o.presence_marginals.clone(),
        risk_weight: o.risk_weight,
        footfall_weight: o.footfall_weight,
        response_minutes: o.response_minutes,
        response_weight: o.response_weight,
        backup_minutes: o.backup_minutes,
        backup_weight: o.backup_weight,
        deterrence: o.deterrence,
        volunteers_need_professional: o.volunteers_need_professional,
    }
}

/// `w[r,s] = risk_weight * risk + footfall_weight * footfall * (sum risk) / (sum footfall)`.
fn presence_weights(regions: &[Region], o: &Objective, slots: usize) -> Vec<f64> {
    let sum_risk: f64 = regions.iter().flat_map(|r| r.risk.iter()).sum();
    let sum_footfall: f64 = regions.iter().flat_map(|r| r.footfall.iter()).sum();
    let mut w = Vec::with_capacity(regions.len() * slots);
    for r in regions {
        for s in 0..slots {
            let f = if sum_footfall > 0.0 { r.footfall[s] * sum_risk / sum_footfall } else { 0.0 };
            w.push(o.risk_weight * r.risk[s] + o.footfall_weight * f);
        }
    }
    w
}

/// A requirement is unmeetable when, in some slot, fewer patrol teams could stand in the
/// region than it asks for: teams that reach it, are available then within a window
/// long enough for a shortest shift, and may work at all. With volunteer escort on, at
/// least one professional must be among them.
fn check_min_patrol(inst: &Instance) -> Vec<Problem> {
    let mut ps = Problems::default();
    let mut reachers: Vec<Vec<usize>> = vec![Vec::new(); inst.regions.len()];
    for (k, t) in inst.teams.iter().enumerate() {
        if t.kind == TeamKind::Patrol && inst.rules_of(k).max_work_slots > 0 {
            for &r in inst.reach.locations(k) {
                reachers[r as usize].push(k);
            }
        }
    }
    for (r, region) in inst.regions.iter().enumerate() {
        for (j, m) in region.min_patrol.iter().enumerate() {
            if m.teams == 0 {
                continue;
            }
            let worst = (m.from..m.to).find_map(|s| {
                let able: Vec<&Team> = reachers[r]
                    .iter()
                    .filter(|&&k| {
                        let t = &inst.teams[k];
                        let need = inst.rules[t.rules].min_shift_slots.max(1);
                        t.available.iter().any(|&(a, b)| a <= s && s < b && b - a >= need)
                    })
                    .map(|&k| &inst.teams[k])
                    .collect();
                let pros = able.iter().filter(|t| !t.volunteer).count();
                let short = able.len() < m.teams as usize
                    || (inst.objective.volunteers_need_professional && pros == 0);
                short.then_some((s, able.len(), pros))
            });
            if let Some((s, able, pros)) = worst {
                ps.push(
                    "min_patrol_unmeetable",
                    format!("regions[{r}].min_patrol[{j}]"),
                    format!(
                        "slot {s} needs {} patrol teams in {:?} but only {able} can reach it and work then ({pros} professional)",
                        m.teams, region.id
                    ),
                    "lower the requirement, widen team reach or availability, or add teams",
                );
            }
        }
    }
    ps.0
}
