//! Small checks shared by every part of validation; each records a problem with its
//! path instead of stopping.

use geo::{MultiPolygon, Point};
use serde_json::Number;

use crate::model::problem::Problems;
use crate::model::raw::PerSlot;

/// A JSON number as a count, when it is a non-negative integer (`8.0` included).
pub(crate) fn as_count(n: &Number) -> Option<u64> {
    if let Some(v) = n.as_u64() {
        return Some(v);
    }
    // 8.0 is an integer written with a decimal point; accept it.
    n.as_f64()
        .filter(|v| v.is_finite() && *v >= 0.0 && v.fract() == 0.0 && *v <= 9.0e15)
        .map(|v| v as u64)
}

pub(super) struct Checker {
    pub(super) ps: Problems,
}

impl Checker {
    pub(super) fn count(&mut self, n: &Number, path: &str, min: u64, max: u64) -> Option<u64> {
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

    pub(super) fn number(
        &mut self,
        v: f64,
        path: &str,
        min: f64,
        max: f64,
        min_exclusive: bool,
    ) -> bool {
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

    pub(super) fn coordinate(&mut self, c: [f64; 2], path: &str) -> Option<Point<f64>> {
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
                format!(
                    "[{}, {}] is not [longitude, latitude] in degrees",
                    c[0], c[1]
                ),
                "write [lon, lat] with lon in -180..180 and lat in -90..90",
            );
            None
        }
    }

    pub(super) fn series(
        &mut self,
        v: &PerSlot,
        path: &str,
        slots: Option<usize>,
    ) -> Option<Vec<f64>> {
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

    pub(super) fn slot_range(
        &mut self,
        from: &Number,
        to: &Number,
        path: &str,
        slots: Option<usize>,
    ) -> Option<(usize, usize)> {
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

    pub(super) fn boundary(
        &mut self,
        g: &geojson::Geometry,
        path: &str,
    ) -> Option<MultiPolygon<f64>> {
        let shape: Result<MultiPolygon<f64>, _> = match &g.value {
            geojson::Value::Polygon(_) => {
                geo::Polygon::<f64>::try_from(g.value.clone()).map(|p| MultiPolygon::new(vec![p]))
            }
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
                .all(|c| {
                    c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0
                })
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
