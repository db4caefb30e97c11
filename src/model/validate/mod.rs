//! Turns an [`InstanceFile`] into a validated [`Instance`], reporting every problem.

mod checker;
mod entities;
mod objective;
mod requirements;
mod travel;

use std::collections::BTreeMap;
use std::sync::Arc;

use geo::Point;

use checker::Checker;
use entities::{check_posts, check_regions, check_rules, check_teams, node_of};
use objective::{check_objective, presence_weights};
use requirements::check_min_patrol;
use travel::check_travel;

pub(crate) use checker::as_count as checker_count;

use super::instance::*;
use super::problem::{Problem, Problems};
use super::raw::*;
use crate::geo::Node;
use crate::model::reach::{Reach, MAX_RELATION_ENTRIES};

/// Most slots in a horizon (two weeks of minutes).
pub const MAX_SLOTS: u64 = 20_160;
/// Most regions, posts or teams in one instance.
pub const MAX_ENTITIES: usize = 500_000;
/// Most region-slot cells (`regions * slots`); bounds the expanded per-slot arrays.
pub const MAX_REGION_SLOTS: usize = 50_000_000;
/// Most ids in a travel matrix.
pub const MAX_MATRIX_IDS: usize = 20_000;

/// Validates a parsed file and builds the instance, or returns every problem found.
pub fn build_instance(file: &InstanceFile) -> Result<Instance, Vec<Problem>> {
    build_instance_from(file, MAX_RELATION_ENTRIES, || Arc::new(file.clone()))
}

/// Validates an owned file and builds the instance (the file is kept, not copied).
pub fn build_instance_owned(file: InstanceFile) -> Result<Instance, Vec<Problem>> {
    build_instance_owned_within(file, MAX_RELATION_ENTRIES)
}

/// [`build_instance_owned`] with at most `max_relation_entries` entries in the reach,
/// hop and cover lists (capped at [`MAX_RELATION_ENTRIES`]), so that a memory limit
/// also bounds what validation itself builds.
pub fn build_instance_owned_within(
    file: InstanceFile,
    max_relation_entries: usize,
) -> Result<Instance, Vec<Problem>> {
    let file = Arc::new(file);
    build_instance_from(&file, max_relation_entries, || Arc::clone(&file))
}

/// Validates `file`; `source` gives the shared copy kept by a valid instance.
fn build_instance_from(
    file: &InstanceFile,
    max_relation_entries: usize,
    source: impl FnOnce() -> Arc<InstanceFile>,
) -> Result<Instance, Vec<Problem>> {
    let mut ck = Checker {
        ps: Problems::default(),
    };

    if file.format != INSTANCE_FORMAT {
        ck.ps.push(
            "format",
            "format",
            format!("is {:?}", file.format),
            format!("set \"format\": \"{INSTANCE_FORMAT}\""),
        );
    }
    if file.name.trim().is_empty() {
        ck.ps.push(
            "empty_name",
            "name",
            "the instance name is empty",
            "give the instance a name",
        );
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
    for (what, n) in [
        ("regions", file.regions.len()),
        ("posts", file.posts.len()),
        ("teams", file.teams.len()),
    ] {
        if n > MAX_ENTITIES {
            ck.ps.push(
                "too_large",
                what,
                format!("{n} entries"),
                format!("split the instance; at most {MAX_ENTITIES}"),
            );
        }
    }
    if let Some(s) = slots {
        if file.regions.len().saturating_mul(s) > MAX_REGION_SLOTS {
            ck.ps.push(
                "too_large",
                "regions",
                format!(
                    "{} regions x {s} slots exceeds {MAX_REGION_SLOTS} region-slots",
                    file.regions.len()
                ),
                "use fewer regions or a shorter horizon",
            );
        }
    }
    if let Some(TravelSpec::Matrix { ids, .. }) = &file.travel {
        if ids.len() > MAX_MATRIX_IDS {
            ck.ps.push(
                "too_large",
                "travel.ids",
                format!("{} ids", ids.len()),
                format!("at most {MAX_MATRIX_IDS}"),
            );
        }
    }
    if ck.ps.0.iter().any(|p| p.code == "too_large") {
        return Err(ck.ps.0);
    }

    // Ids: regions and posts share one namespace.
    let mut loc_ids: BTreeMap<&str, (TeamKind, usize)> = BTreeMap::new();
    for (i, r) in file.regions.iter().enumerate() {
        check_id(
            &mut ck,
            &r.id,
            &format!("regions[{i}].id"),
            &mut loc_ids,
            (TeamKind::Patrol, i),
        );
    }
    for (i, p) in file.posts.iter().enumerate() {
        check_id(
            &mut ck,
            &p.id,
            &format!("posts[{i}].id"),
            &mut loc_ids,
            (TeamKind::Mobile, i),
        );
    }
    let mut team_ids = BTreeMap::new();
    for (i, t) in file.teams.iter().enumerate() {
        check_id(
            &mut ck,
            &t.id,
            &format!("teams[{i}].id"),
            &mut team_ids,
            (t.kind, i),
        );
    }

    let travel = check_travel(&mut ck, file, &loc_ids);

    let regions = check_regions(&mut ck, file, slots);
    let posts = check_posts(&mut ck, file);
    let (rules, rule_index) = check_rules(&mut ck, file, slots);
    let resolved: BTreeMap<&str, Point<f64>> = regions
        .iter()
        .map(|r| (r.id.as_str(), r.point))
        .chain(posts.iter().map(|p| (p.id.as_str(), p.point)))
        .collect();
    let teams = check_teams(
        &mut ck,
        file,
        slots,
        &loc_ids,
        &travel,
        &resolved,
        &rule_index,
    );
    let objective = check_objective(&mut ck, &file.objective);

    if !ck.ps.is_empty() {
        return Err(ck.ps.0);
    }
    let nodes_of = |items: Vec<(&str, Point<f64>)>| -> Vec<Node> {
        items
            .into_iter()
            .map(|(id, point)| {
                node_of(id, &resolved, &travel).unwrap_or(Node {
                    point,
                    matrix: usize::MAX,
                })
            })
            .collect()
    };
    let region_nodes = nodes_of(regions.iter().map(|r| (r.id.as_str(), r.point)).collect());
    let post_nodes = nodes_of(posts.iter().map(|p| (p.id.as_str(), p.point)).collect());
    let (Some((travel, _)), Some(slots), Some(slot_minutes)) = (travel, slots, slot_minutes) else {
        unreachable!("a missing part always records a problem");
    };

    let weight = presence_weights(&regions, &objective, slots);
    let reach = match Reach::compute_within(
        &travel,
        &region_nodes,
        &post_nodes,
        &teams,
        &rules,
        &objective,
        max_relation_entries,
    ) {
        Ok(reach) => reach,
        Err(entries) => {
            return Err(vec![Problem {
                code: "too_large",
                path: "(instance)".into(),
                message: if max_relation_entries < MAX_RELATION_ENTRIES {
                    format!(
                        "reach, hop and cover lists would hold more than {entries} entries, more than the memory limit leaves room for ({max_relation_entries} entries of 4 bytes)"
                    )
                } else {
                    format!(
                        "reach, hop and cover lists would hold more than {entries} entries (reach, max_hop_minutes or the response standards are too wide for this many locations)"
                    )
                },
                action: "set reach_minutes, or lower max_hop_minutes / response and backup minutes"
                    .into(),
            }])
        }
    };
    let parts = InstanceParts {
        name: file.name.clone(),
        horizon: Horizon {
            start: file.horizon.start.clone(),
            slot_minutes: slot_minutes as u32,
            slots,
        },
        travel,
        regions,
        posts,
        rules,
        teams,
        objective,
        region_nodes,
        post_nodes,
        weights: weight,
        reach,
    };
    let instance = Instance::assemble(parts, source());
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
        ck.ps.push(
            "empty_name",
            path,
            "the id is empty",
            "give every region, post and team a non-empty id",
        );
    } else if seen.insert(id, value).is_some() {
        ck.ps.push(
            "duplicate_id",
            path,
            format!("id {id:?} is used more than once"),
            "make ids unique",
        );
    }
}
