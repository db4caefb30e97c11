//! Regions from a GeoJSON FeatureCollection: one feature per region, geometry Polygon,
//! MultiPolygon or Point, properties `id`, `name`, `group`, `population`, `footfall`,
//! `risk`; other properties are ignored (GIS files carry many).

use geo::MultiPolygon;
use serde_json::{Map, Value};

use super::problem::{Place, Report};
use crate::model::raw::{PerSlot, RegionSpec};

/// A region read from its feature.
#[derive(Debug, Clone)]
pub struct RegionInput {
    /// Index in `features`.
    pub feature: usize,
    /// The region as the instance will hold it (risk is replaced when incidents are given).
    pub spec: RegionSpec,
    /// Whether the feature gave a `risk` property.
    pub has_risk: bool,
    /// The outline in degrees (`None` for a Point region).
    pub shape: Option<MultiPolygon<f64>>,
}

/// Reads the regions; every problem goes to `report`.
///
/// `slots` is the horizon's length, against which `risk` and `footfall` arrays are
/// checked; `None` reads the outlines only (for `risk --check`).
pub fn read_regions(
    text: &str,
    file: &str,
    slots: Option<usize>,
    report: &mut Report,
) -> Vec<RegionInput> {
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report.push(
                file,
                Place::Line(e.line() as u64),
                "",
                format!("not JSON: {e}"),
            );
            return Vec::new();
        }
    };
    let features = match (&doc.get("type"), doc.get("features")) {
        (Some(Value::String(t)), Some(Value::Array(f))) if t == "FeatureCollection" => f,
        _ => {
            report.push(
                file,
                Place::File,
                "type",
                "the file is not a GeoJSON FeatureCollection (need \"type\": \"FeatureCollection\" and a \"features\" array)",
            );
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(features.len());
    let mut seen = std::collections::BTreeMap::new();
    for (i, f) in features.iter().enumerate() {
        let before = report.problems.len();
        let mut problem =
            |field: &str, msg: String| report.push(file, Place::Feature(i), field, msg);
        let Some(obj) = f
            .as_object()
            .filter(|o| o.get("type") == Some(&Value::String("Feature".into())))
        else {
            problem("type", "not a GeoJSON Feature".into());
            continue;
        };
        let empty = Map::new();
        let props = match obj.get("properties") {
            Some(Value::Object(p)) => p,
            None | Some(Value::Null) => &empty,
            Some(_) => {
                problem("properties", "properties must be an object".into());
                &empty
            }
        };
        let id = match text_property(props, "id") {
            Ok(Some(id)) => Some(id),
            Ok(None) => {
                problem("properties.id", "missing: every region needs an id".into());
                None
            }
            Err(m) => {
                problem("properties.id", m);
                None
            }
        };
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.clone(), i) {
                problem(
                    "properties.id",
                    format!("id {id:?} is already used by features[{first}]"),
                );
            }
        }
        let mut text = |key: &str| match text_property(props, key) {
            Ok(v) => v,
            Err(m) => {
                problem(&format!("properties.{key}"), m);
                None
            }
        };
        let name = text("name");
        let group = text("group");
        let population = match props.get("population") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_f64().filter(|x| x.is_finite() && *x >= 0.0) {
                Some(x) => Some(x),
                None => {
                    report.push(
                        file,
                        Place::Feature(i),
                        "properties.population",
                        format!("{v} is not a number >= 0"),
                    );
                    None
                }
            },
        };
        let (footfall, risk) = match slots {
            Some(slots) => (
                per_slot(props, "footfall", slots, file, i, report),
                per_slot(props, "risk", slots, file, i, report),
            ),
            None => (None, None),
        };
        let (location, boundary, shape) = match obj.get("geometry") {
            None | Some(Value::Null) => {
                report.push(
                    file,
                    Place::Feature(i),
                    "geometry",
                    "missing: give a Polygon, MultiPolygon or Point",
                );
                (None, None, None)
            }
            Some(g) => geometry(g, file, i, report),
        };
        if report.problems.len() > before {
            continue;
        }
        let (Some(id), true) = (id, location.is_some() || boundary.is_some()) else {
            continue;
        };
        out.push(RegionInput {
            feature: i,
            has_risk: risk.is_some(),
            spec: RegionSpec {
                id,
                name,
                group,
                location,
                boundary,
                population,
                risk: risk.unwrap_or(PerSlot::Scalar(0.0)),
                footfall,
                min_patrol: Vec::new(),
            },
            shape,
        });
    }
    out
}

/// A text property; numbers are accepted as their decimal text (GIS ids are often numbers).
fn text_property(props: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
        Some(v) => Err(format!("{v} is not text")),
    }
}

fn per_slot(
    props: &Map<String, Value>,
    key: &str,
    slots: usize,
    file: &str,
    feature: usize,
    report: &mut Report,
) -> Option<PerSlot> {
    let field = format!("properties.{key}");
    let good = |v: &Value| v.as_f64().filter(|x| x.is_finite() && *x >= 0.0);
    match props.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => {
            if a.len() != slots {
                report.push(
                    file,
                    Place::Feature(feature),
                    field,
                    format!("has {} values; --slots is {slots}", a.len()),
                );
                return None;
            }
            let mut values = Vec::with_capacity(a.len());
            for (j, v) in a.iter().enumerate() {
                match good(v) {
                    Some(x) => values.push(x),
                    None => {
                        report.push(
                            file,
                            Place::Feature(feature),
                            format!("{field}[{j}]"),
                            format!("{v} is not a number >= 0"),
                        );
                        return None;
                    }
                }
            }
            Some(PerSlot::Series(values))
        }
        Some(v) => match good(v) {
            Some(x) => Some(PerSlot::Scalar(x)),
            None => {
                report.push(
                    file,
                    Place::Feature(feature),
                    field,
                    format!("{v} is not a number >= 0 or an array of {slots} numbers"),
                );
                None
            }
        },
    }
}

type Geometry = (
    Option<[f64; 2]>,
    Option<geojson::Geometry>,
    Option<MultiPolygon<f64>>,
);

fn geometry(g: &Value, file: &str, feature: usize, report: &mut Report) -> Geometry {
    let mut bad = |msg: String| {
        report.push(file, Place::Feature(feature), "geometry", msg);
        (None, None, None)
    };
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g.get("coordinates");
    match (kind, coords) {
        ("Point", Some(c)) => match position(c) {
            Ok(p) => (Some(p), None, None),
            Err(m) => bad(format!("Point: {m}")),
        },
        ("Polygon", Some(c)) => match polygon(c) {
            Ok(rings) => finish(geojson::Value::Polygon(rings), report, file, feature),
            Err(m) => bad(format!("Polygon: {m}")),
        },
        ("MultiPolygon", Some(Value::Array(ps))) if !ps.is_empty() => {
            let mut polys = Vec::with_capacity(ps.len());
            for (k, p) in ps.iter().enumerate() {
                match polygon(p) {
                    Ok(rings) => polys.push(rings),
                    Err(m) => return bad(format!("MultiPolygon polygon {k}: {m}")),
                }
            }
            finish(geojson::Value::MultiPolygon(polys), report, file, feature)
        }
        ("Point" | "Polygon" | "MultiPolygon", _) => {
            bad(format!("{kind} without readable coordinates"))
        }
        (other, _) => bad(format!(
            "a {:?} geometry: give a Polygon, MultiPolygon or Point",
            other
        )),
    }
}

fn finish(value: geojson::Value, report: &mut Report, file: &str, feature: usize) -> Geometry {
    let shape = match &value {
        geojson::Value::Polygon(_) => {
            geo::Polygon::<f64>::try_from(value.clone()).map(|p| MultiPolygon::new(vec![p]))
        }
        _ => MultiPolygon::<f64>::try_from(value.clone()),
    };
    match shape {
        Ok(shape) => (None, Some(geojson::Geometry::new(value)), Some(shape)),
        Err(e) => {
            report.push(
                file,
                Place::Feature(feature),
                "geometry",
                format!("cannot be read as a polygon: {e}"),
            );
            (None, None, None)
        }
    }
}

/// `[lon, lat]` (a third value, altitude, is allowed and dropped).
fn position(v: &Value) -> Result<[f64; 2], String> {
    let a = v
        .as_array()
        .filter(|a| a.len() >= 2)
        .ok_or_else(|| format!("{v} is not a [lon, lat] position"))?;
    let (lon, lat) = (a[0].as_f64(), a[1].as_f64());
    match (lon, lat) {
        (Some(lon), Some(lat))
            if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 =>
        {
            Ok([lon, lat])
        }
        _ => Err(format!(
            "{v} is not a [lon, lat] position in degrees (lon -180..180, lat -90..90)"
        )),
    }
}

fn polygon(v: &Value) -> Result<Vec<Vec<Vec<f64>>>, String> {
    let rings = v.as_array().filter(|r| !r.is_empty()).ok_or("no rings")?;
    let mut out = Vec::with_capacity(rings.len());
    for (k, ring) in rings.iter().enumerate() {
        let pts = ring
            .as_array()
            .ok_or_else(|| format!("ring {k} is not an array of positions"))?;
        let mut coords = Vec::with_capacity(pts.len());
        for (j, p) in pts.iter().enumerate() {
            let [lon, lat] = position(p).map_err(|m| format!("ring {k} position {j}: {m}"))?;
            coords.push(vec![lon, lat]);
        }
        if coords.len() < 4 {
            return Err(format!(
                "ring {k} has {} positions; a ring needs at least 4",
                coords.len()
            ));
        }
        if coords.first() != coords.last() {
            return Err(format!(
                "ring {k} is not closed (its last position must repeat the first)"
            ));
        }
        out.push(coords);
    }
    Ok(out)
}
