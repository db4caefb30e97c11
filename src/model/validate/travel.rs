//! The travel section: haversine parameters or a square matrix that names every id.

use std::collections::{BTreeMap, BTreeSet};

use super::checker::Checker;
use super::entities::CheckedTravel;
use crate::geo::TravelModel;
use crate::model::instance::TeamKind;
use crate::model::raw::*;

pub(super) fn check_travel(
    ck: &mut Checker,
    file: &InstanceFile,
    loc_ids: &BTreeMap<&str, (TeamKind, usize)>,
) -> CheckedTravel {
    match file
        .travel
        .clone()
        .unwrap_or(TravelSpec::Haversine { detour_factor: 1.3 })
    {
        TravelSpec::Haversine { detour_factor } => ck
            .number(detour_factor, "travel.detour_factor", 1.0, f64::MAX, false)
            .then(|| (TravelModel::Haversine { detour_factor }, BTreeMap::new())),
        TravelSpec::Matrix { ids, minutes } => {
            let n = ids.len();
            let mut index = BTreeMap::new();
            let mut ok = true;
            for (i, id) in ids.iter().enumerate() {
                if index.insert(id.clone(), i).is_some() {
                    ck.ps.push(
                        "matrix_shape",
                        format!("travel.ids[{i}]"),
                        format!("{id:?} appears twice"),
                        "list each id once",
                    );
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
                            if ck.number(
                                *m,
                                &format!("travel.minutes[{i}][{j}]"),
                                0.0,
                                f64::MAX,
                                false,
                            ) {
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
                let what = if *kind == TeamKind::Patrol {
                    "regions"
                } else {
                    "posts"
                };
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
            ok.then_some((
                TravelModel::Matrix {
                    size: n,
                    minutes: flat,
                },
                index,
            ))
        }
    }
}
