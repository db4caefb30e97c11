//! Incident records from CSV (`time`, `lon`, `lat`, optional `type` and `weight`), each
//! placed in its region by point-in-polygon over an R-tree of region envelopes. A record
//! that cannot be used is counted by cause, never dropped silently and never fatal.

use std::collections::BTreeMap;
use std::io::Read;

use geo::{Coord, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use super::clock::{parse_instant, Grid};
use super::problem::Report;
use super::table::{Columns, Table};

/// Columns of the incidents file.
pub(crate) const INCIDENT_COLUMNS: Columns = Columns {
    required: &["time", "lon", "lat"],
    optional: &["type", "weight"],
};

/// Most incident types listed on stderr.
const MAX_TYPES_SHOWN: usize = 20;

/// Why a record was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// The CSV row could not be read or has the wrong number of fields.
    UnreadableRow,
    /// `time` is empty or not RFC 3339.
    UnreadableTime,
    /// `lon`/`lat` empty, not numbers, or outside the degree ranges.
    UnreadablePlace,
    /// `weight` is not a finite number >= 0.
    UnreadableWeight,
    /// The point lies in no region's polygon.
    OutsideEveryRegion,
}

impl Cause {
    /// Plain words for the cause.
    pub fn describe(self) -> &'static str {
        match self {
            Cause::UnreadableRow => "unreadable row (CSV error or wrong number of fields)",
            Cause::UnreadableTime => "unreadable time (not RFC 3339)",
            Cause::UnreadablePlace => {
                "unreadable place (lon/lat missing, not numbers or out of range)"
            }
            Cause::UnreadableWeight => "unreadable weight (not a number >= 0)",
            Cause::OutsideEveryRegion => "outside every region",
        }
    }
}

/// A record placed in a region.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    /// Region index (order of the regions file's usable features).
    pub region: u32,
    /// Local hour index (whole hours since the epoch in the offset of `--start`).
    pub hour: i64,
    /// Weight of the record.
    pub weight: f64,
}

/// What happened to the records.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Data rows read.
    pub rows: u64,
    /// Records placed in a region.
    pub placed: u64,
    /// Records not used, by cause: count and the first few lines.
    pub rejected: BTreeMap<Cause, (u64, Vec<u64>)>,
    /// Placed records by `type` (empty type = ""): count and total weight.
    pub by_type: BTreeMap<String, (u64, f64)>,
}

impl Tally {
    fn reject(&mut self, cause: Cause, line: u64) {
        let e = self.rejected.entry(cause).or_default();
        e.0 += 1;
        if e.1.len() < 5 {
            e.1.push(line);
        }
    }

    /// Number of records not used.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().map(|v| v.0).sum()
    }

    /// Lines for stderr: the counts by cause and by type.
    pub fn lines(&self, file: &str) -> Vec<String> {
        let mut out = vec![format!(
            "{file}: {} records read, {} placed in a region, {} not used",
            self.rows,
            self.placed,
            self.rejected_total()
        )];
        for (cause, (n, lines)) in &self.rejected {
            let ls: Vec<String> = lines.iter().map(u64::to_string).collect();
            out.push(format!(
                "  {n} {} (first at line {})",
                cause.describe(),
                ls.join(", ")
            ));
        }
        for (t, (n, w)) in self.by_type.iter().take(MAX_TYPES_SHOWN) {
            let t = if t.is_empty() { "(no type)" } else { t };
            out.push(format!("  type {t}: {n} records, weight {w}"));
        }
        if self.by_type.len() > MAX_TYPES_SHOWN {
            out.push(format!(
                "  ... and {} more types",
                self.by_type.len() - MAX_TYPES_SHOWN
            ));
        }
        out
    }
}

/// Finds the region that holds a point.
pub struct Locator<'a> {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    shapes: Vec<Option<&'a MultiPolygon<f64>>>,
}

impl<'a> Locator<'a> {
    /// Indexes the polygon regions (Point regions hold no incidents).
    pub fn new(shapes: Vec<Option<&'a MultiPolygon<f64>>>) -> Self {
        use geo::BoundingRect;
        let items = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let r = (*s)?.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Locator {
            tree: RTree::bulk_load(items),
            shapes,
        }
    }

    /// The lowest-indexed region whose polygon contains the point or its edge.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        let p = Point(Coord { x: lon, y: lat });
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|g| g.data)
            .filter(|&i| self.shapes[i].is_some_and(|s| s.intersects(&p)))
            .min()
    }
}

/// Reads the records and places them; header problems go to `report` (and no record
/// is read), record problems to the tally.
pub fn read_incidents(
    input: impl Read,
    file: &str,
    grid: &Grid,
    locator: &Locator<'_>,
    report: &mut Report,
) -> (Vec<Placed>, Tally) {
    let mut tally = Tally::default();
    let mut placed = Vec::new();
    let Some(mut table) = Table::open(input, file, &INCIDENT_COLUMNS, report) else {
        return (placed, tally);
    };
    let width = table.width();
    while let Some(row) = table.next_row() {
        tally.rows += 1;
        let row = match row {
            Ok(r) if r.width_ok => r,
            Ok(r) => {
                let line = r.line;
                tally.reject(Cause::UnreadableRow, line);
                continue;
            }
            Err((line, _)) => {
                tally.reject(Cause::UnreadableRow, line);
                continue;
            }
        };
        let _ = width;
        let Some((t, _)) = row.get("time").and_then(parse_instant) else {
            tally.reject(Cause::UnreadableTime, row.line);
            continue;
        };
        let coord = |c: &str, max: f64| {
            row.get(c)
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|x| x.is_finite() && x.abs() <= max)
        };
        let (Some(lon), Some(lat)) = (coord("lon", 180.0), coord("lat", 90.0)) else {
            tally.reject(Cause::UnreadablePlace, row.line);
            continue;
        };
        let weight = match row.get("weight") {
            None => Some(1.0),
            Some(w) => w.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0),
        };
        let Some(weight) = weight else {
            tally.reject(Cause::UnreadableWeight, row.line);
            continue;
        };
        let Some(region) = locator.locate(lon, lat) else {
            tally.reject(Cause::OutsideEveryRegion, row.line);
            continue;
        };
        tally.placed += 1;
        let ty = row.get("type").unwrap_or("");
        match tally.by_type.get_mut(ty) {
            Some(e) => {
                e.0 += 1;
                e.1 += weight;
            }
            None => {
                tally.by_type.insert(ty.to_string(), (1, weight));
            }
        }
        placed.push(Placed {
            region: region as u32,
            hour: grid.local_hour(t),
            weight,
        });
    }
    (placed, tally)
}
