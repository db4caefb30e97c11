//! The plan for other tools (MODEL.md section 10): a GeoJSON FeatureCollection of
//! regions, posts and patrol routes, the roster CSV (one row per shift) and the slots
//! CSV (one row per worked team-slot).
//!
//! Features carry simplestyle properties (`fill`, `fill-opacity`, `stroke`,
//! `stroke-width`, `marker-color`, `title`) so that geojson.io, QGIS and similar
//! viewers draw them coloured without a style file. Regions are filled by their
//! `response_share` (red none, yellow half, green all of their risk within the
//! response standard).

use std::collections::BTreeMap;

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use serde_json::json;

use crate::model::{Instance, Slot, TeamIdx, TeamKind};
use crate::schedule::{Detail, ScheduleInput, Shift};

use super::time::Clock;

/// A share, or JSON null when its denominator is 0.
fn share(num: f64, den: f64) -> serde_json::Value {
    if den != 0.0 {
        json!(num / den)
    } else {
        serde_json::Value::Null
    }
}

/// `#rrggbb` on a red (0) – yellow (0.5) – green (1) ramp.
pub fn ramp_colour(x: f64) -> String {
    let x = if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (r, g) = if x < 0.5 {
        (215.0, 48.0 + (x / 0.5) * (200.0 - 48.0))
    } else {
        (
            215.0 - ((x - 0.5) / 0.5) * (215.0 - 26.0),
            200.0 - ((x - 0.5) / 0.5) * (200.0 - 150.0),
        )
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, 60)
}

fn position(p: geo::Point<f64>) -> Vec<f64> {
    vec![p.x(), p.y()]
}

fn ring(ls: &geo::LineString<f64>) -> Vec<Vec<f64>> {
    ls.coords().map(|c| vec![c.x, c.y]).collect()
}

fn polygon(p: &geo::Polygon<f64>) -> Vec<Vec<Vec<f64>>> {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(ring)
        .collect()
}

fn feature(geometry: Option<Value>, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: geometry.map(Geometry::new),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

fn object(v: serde_json::Value) -> JsonObject {
    match v {
        serde_json::Value::Object(m) => m,
        _ => JsonObject::new(),
    }
}

/// Location ids as written in the schedule file for unresolved `(team, slot)`s.
fn unresolved_ids(input: &ScheduleInput) -> BTreeMap<(TeamIdx, Slot), &str> {
    input
        .unresolved
        .iter()
        .map(|u| ((u.team, u.slot), u.id.as_str()))
        .collect()
}

/// The id of team `k`'s location in slot `s` of `shift` (as written when unresolved).
fn location_id<'a>(
    instance: &'a Instance,
    unresolved: &BTreeMap<(TeamIdx, Slot), &'a str>,
    k: TeamIdx,
    shift: &Shift,
    i: usize,
) -> &'a str {
    let l = shift.at[i];
    let kind = instance.teams()[k].kind;
    if (l as usize) < instance.nodes(kind).len() {
        instance.location_id(kind, l as usize)
    } else {
        unresolved.get(&(k, shift.start + i)).copied().unwrap_or("")
    }
}

/// The point of a valid location of a team of `kind`.
fn location_point(instance: &Instance, kind: TeamKind, l: u32) -> Option<geo::Point<f64>> {
    let l = l as usize;
    match kind {
        TeamKind::Patrol => instance.regions().get(l).map(|r| r.point),
        TeamKind::Mobile => instance.posts().get(l).map(|p| p.point),
    }
}

/// The GeoJSON FeatureCollection of section 10: regions (boundary, else point), posts
/// and one route per patrol-team shift.
pub fn geojson(instance: &Instance, input: &ScheduleInput, detail: &Detail) -> FeatureCollection {
    let slots = detail.slots;
    let clock = Clock::new(instance);
    let mut features = Vec::new();
    for (r, region) in instance.regions().iter().enumerate() {
        let cells = r * slots..(r + 1) * slots;
        let (mut risk, mut footfall, mut patrolled) = (0.0, 0.0, 0usize);
        let (mut met, mut risk_met, mut c1, mut c2) = (0.0, 0.0, 0.0, 0.0);
        for (s, i) in cells.clone().enumerate() {
            let (f, q) = (region.footfall[s], region.risk[s]);
            risk += q;
            footfall += f;
            if detail.patrols[i] >= 1 {
                patrolled += 1;
                met += f;
                risk_met += q;
            }
            if detail.c1[i] {
                c1 += q;
            }
            if detail.c2[i] {
                c2 += q;
            }
        }
        let sum = |v: &[f64]| v[cells.clone()].iter().sum::<f64>();
        let response_share = share(c1, risk);
        let geometry = match &region.boundary {
            Some(mp) if mp.0.len() == 1 => Value::Polygon(polygon(&mp.0[0])),
            Some(mp) => Value::MultiPolygon(mp.0.iter().map(polygon).collect()),
            None => Value::Point(position(region.point)),
        };
        let fill = ramp_colour(response_share.as_f64().unwrap_or(1.0));
        features.push(feature(
            Some(geometry),
            object(json!({
                "id": region.id,
                "name": region.name,
                "group": region.group,
                "kind": "region",
                "risk": risk,
                "footfall": footfall,
                "patrolled_slots": patrolled,
                "meeting_share": share(met, footfall),
                "risk_share": share(risk_met, risk),
                "response_share": response_share,
                "backup_share": share(c2, risk),
                "presence": sum(&detail.presence_score),
                "response": sum(&detail.response_score),
                "backup": sum(&detail.backup_score),
                "title": format!("{} {}", region.id, region.name),
                "fill": fill,
                "fill-opacity": 0.6,
                "stroke": "#555555",
                "stroke-width": 1,
            })),
        ));
    }
    for (p, post) in instance.posts().iter().enumerate() {
        let at = &detail.at_post[p * slots..(p + 1) * slots];
        let occupied = at.iter().filter(|&&n| n > 0).count();
        let team_slots: u32 = at.iter().sum();
        features.push(feature(
            Some(Value::Point(position(post.point))),
            object(json!({
                "id": post.id,
                "kind": "post",
                "capacity": post.capacity,
                "occupied_slots": occupied,
                "team_slots": team_slots,
                "title": post.id,
                "marker-color": if occupied > 0 { "#1f4e9e" } else { "#9a9a9a" },
                "marker-size": "small",
            })),
        ));
    }
    let unresolved = unresolved_ids(input);
    for (k, team) in instance.teams().iter().enumerate() {
        if team.kind != TeamKind::Patrol {
            continue;
        }
        for shift in input.schedule.team_shifts(k) {
            let mut line: Vec<Vec<f64>> = Vec::new();
            for &l in &shift.at {
                if let Some(p) = location_point(instance, team.kind, l) {
                    let pos = position(p);
                    if line.last() != Some(&pos) {
                        line.push(pos);
                    }
                }
            }
            // A LineString needs two positions: a shift in one region is a line of length 0.
            if line.len() == 1 {
                line.push(line[0].clone());
            }
            let regions: Vec<&str> = (0..shift.at.len())
                .map(|i| location_id(instance, &unresolved, k, shift, i))
                .collect();
            features.push(feature(
                (!line.is_empty()).then_some(Value::LineString(line)),
                object(json!({
                    "kind": "route",
                    "team": team.id,
                    "volunteer": team.volunteer,
                    "start": shift.start,
                    "end": shift.end(),
                    "start_time": clock.has_times().then(|| clock.rfc3339(shift.start)),
                    "end_time": clock.has_times().then(|| clock.rfc3339(shift.end())),
                    "regions": regions.join(";"),
                    "title": format!("{} {}-{}", team.id, clock.label(shift.start), clock.label(shift.end())),
                    "stroke": if team.volunteer { "#2e8b57" } else { "#1f4e9e" },
                    "stroke-width": 2,
                    "stroke-opacity": 0.8,
                })),
            ));
        }
    }
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

fn kind_name(kind: TeamKind) -> &'static str {
    match kind {
        TeamKind::Patrol => "patrol",
        TeamKind::Mobile => "mobile",
    }
}

/// The roster CSV: one row per team shift (teams in instance order, then team ids the
/// instance does not know, with empty kind and members).
pub fn roster_csv(instance: &Instance, input: &ScheduleInput) -> Result<Vec<u8>, csv::Error> {
    let clock = Clock::new(instance);
    let unresolved = unresolved_ids(input);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "team",
        "kind",
        "volunteer",
        "members",
        "start_slot",
        "end_slot",
        "start_time",
        "end_time",
        "locations",
    ])?;
    for (k, team) in instance.teams().iter().enumerate() {
        for shift in input.schedule.team_shifts(k) {
            let ids: Vec<&str> = (0..shift.at.len())
                .map(|i| location_id(instance, &unresolved, k, shift, i))
                .collect();
            w.write_record([
                team.id.as_str(),
                kind_name(team.kind),
                if team.volunteer { "true" } else { "false" },
                &team.members.to_string(),
                &shift.start.to_string(),
                &shift.end().to_string(),
                &clock.rfc3339(shift.start),
                &clock.rfc3339(shift.end()),
                &ids.join(";"),
            ])?;
        }
    }
    for unknown in &input.unknown_teams {
        for shift in &unknown.shifts {
            let end = shift.start.saturating_add(shift.at.len());
            w.write_record([
                unknown.id.as_str(),
                "",
                "",
                "",
                &shift.start.to_string(),
                &end.to_string(),
                &clock.rfc3339(shift.start),
                &clock.rfc3339(end),
                &shift
                    .at
                    .iter()
                    .map(|id| id.as_deref().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(";"),
            ])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The slots CSV: one row per worked team-slot (`lon`, `lat` empty for a location the
/// instance does not know).
pub fn slots_csv(instance: &Instance, input: &ScheduleInput) -> Result<Vec<u8>, csv::Error> {
    let clock = Clock::new(instance);
    let unresolved = unresolved_ids(input);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["team", "slot", "time", "location", "lon", "lat"])?;
    for (k, team) in instance.teams().iter().enumerate() {
        for shift in input.schedule.team_shifts(k) {
            for (i, &l) in shift.at.iter().enumerate() {
                let s = shift.start + i;
                let (lon, lat) = match location_point(instance, team.kind, l) {
                    Some(p) => (p.x().to_string(), p.y().to_string()),
                    None => (String::new(), String::new()),
                };
                w.write_record([
                    team.id.as_str(),
                    &s.to_string(),
                    &clock.rfc3339(s),
                    location_id(instance, &unresolved, k, shift, i),
                    &lon,
                    &lat,
                ])?;
            }
        }
    }
    for unknown in &input.unknown_teams {
        for shift in &unknown.shifts {
            for (i, id) in shift.at.iter().enumerate() {
                let s = shift.start.saturating_add(i);
                w.write_record([
                    unknown.id.as_str(),
                    &s.to_string(),
                    &clock.rfc3339(s),
                    id.as_deref().unwrap_or(""),
                    "",
                    "",
                ])?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_ends_and_middle() {
        assert_eq!(ramp_colour(0.0), "#d7303c");
        assert_eq!(ramp_colour(0.5), "#d7c83c");
        assert_eq!(ramp_colour(1.0), "#1a963c");
        assert_eq!(ramp_colour(f64::NAN), ramp_colour(0.0));
    }
}
