//! Teams and posts from CSV, and the availability column: `;`-separated windows, each
//! `FROM/TO` in RFC 3339 times or a clock window `HH:MM-HH:MM` taken on every calendar
//! day in the offset of `--start`.

use std::io::Read;

use serde_json::Number;

use super::clock::{parse_clock, parse_instant, Grid};
use super::problem::{Place, Report};
use super::table::{Columns, Row, Table};
use crate::model::raw::{BaseSpec, PostSpec, TeamKind, TeamSpec};

/// Columns of the teams file.
pub(crate) const TEAM_COLUMNS: Columns = Columns {
    required: &["id", "kind", "members", "speed_kmh", "rules"],
    optional: &[
        "base",
        "base_lon",
        "base_lat",
        "volunteer",
        "reach_minutes",
        "effectiveness",
        "available",
    ],
};

/// Columns of the posts file.
pub(crate) const POST_COLUMNS: Columns = Columns {
    required: &["id", "lon", "lat"],
    optional: &["capacity"],
};

/// A team with the line it came from.
#[derive(Debug, Clone)]
pub struct TeamInput {
    /// CSV line.
    pub line: u64,
    /// The team; `base` ids and `rules` are checked once every file is read.
    pub spec: TeamSpec,
    /// Whether the base was given as `base_lon`/`base_lat`.
    pub base_is_point: bool,
}

/// A post with the line it came from.
#[derive(Debug, Clone)]
pub struct PostInput {
    /// CSV line.
    pub line: u64,
    /// The post.
    pub spec: PostSpec,
}

struct Cells<'r, 'a> {
    row: &'r Row<'a>,
    file: &'r str,
    report: &'r mut Report,
    ok: bool,
}

impl Cells<'_, '_> {
    fn bad(&mut self, column: &str, msg: String) {
        self.report.push(
            self.file,
            Place::Line(self.row.line),
            format!("column {column}"),
            msg,
        );
        self.ok = false;
    }

    fn required(&mut self, column: &str) -> Option<String> {
        match self.row.get(column) {
            Some(v) => Some(v.to_string()),
            None => {
                self.bad(column, "empty: a value is required".into());
                None
            }
        }
    }

    fn number(&mut self, column: &str, min: f64, max: f64, min_exclusive: bool) -> Option<f64> {
        let text = self.row.get(column)?;
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() && (x > min || (!min_exclusive && x == min)) && x <= max => {
                Some(x)
            }
            _ => {
                let range = match (min_exclusive, max == f64::MAX) {
                    (true, true) => format!("> {min}"),
                    (false, true) => format!(">= {min}"),
                    (true, false) => format!("in ({min}, {max}]"),
                    (false, false) => format!("in [{min}, {max}]"),
                };
                self.bad(column, format!("{text:?} is not a number {range}"));
                None
            }
        }
    }

    fn count(&mut self, column: &str, min: u64) -> Option<u64> {
        let text = self.row.get(column)?;
        match text.parse::<u64>() {
            Ok(x) if x >= min => Some(x),
            _ => {
                self.bad(column, format!("{text:?} is not a whole number >= {min}"));
                None
            }
        }
    }
}

fn row_shape(row: &Row<'_>, width: usize, file: &str, report: &mut Report) -> bool {
    if !row.width_ok {
        report.push(
            file,
            Place::Line(row.line),
            "",
            format!("has {} fields; the header has {width}", row.fields),
        );
    }
    row.width_ok
}

/// Walks a file's data rows. A row the CSV reader cannot read, a row of the wrong width
/// and a repeated `id` are reported here; `each` reads the rest of every other row, with
/// the row's `id` when it has one. One walk for every roster file, so they report alike.
fn each_row<R: Read>(
    table: &mut Table<R>,
    file: &str,
    report: &mut Report,
    noun: &str,
    mut each: impl FnMut(&mut Cells<'_, '_>, Option<String>),
) {
    let width = table.width();
    let mut seen = std::collections::BTreeMap::new();
    while let Some(row) = table.next_row() {
        let row = match row {
            Ok(r) => r,
            Err((line, msg)) => {
                report.push(
                    file,
                    Place::Line(line),
                    "",
                    format!("cannot be read: {msg}"),
                );
                continue;
            }
        };
        if !row_shape(&row, width, file, report) {
            continue;
        }
        let mut c = Cells {
            row: &row,
            file,
            report,
            ok: true,
        };
        let id = c.required("id");
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.clone(), row.line) {
                c.bad(
                    "id",
                    format!("{noun} id {id:?} is already used on line {first}"),
                );
            }
        }
        each(&mut c, id);
    }
}

/// Reads the teams file.
pub fn read_teams(
    input: impl Read,
    file: &str,
    grid: Option<&Grid>,
    report: &mut Report,
) -> Vec<TeamInput> {
    let Some(mut table) = Table::open(input, file, &TEAM_COLUMNS, report) else {
        return Vec::new();
    };
    let point_columns = table.has_column("base_lon") && table.has_column("base_lat");
    if !(table.has_column("base") || point_columns) {
        report.push(
            file,
            Place::Line(1),
            "column base",
            "missing: give base (a region or post id) or base_lon and base_lat",
        );
    }
    let mut teams = Vec::new();
    each_row(&mut table, file, report, "team", |c, id| {
        let row = c.row;
        let kind = match c.required("kind").as_deref() {
            Some("patrol") => Some(TeamKind::Patrol),
            Some("mobile") => Some(TeamKind::Mobile),
            Some(other) => {
                c.bad("kind", format!("{other:?} is neither patrol nor mobile"));
                None
            }
            None => None,
        };
        let members = match c.required("members") {
            Some(_) => c.count("members", 1),
            None => None,
        };
        let speed = match c.required("speed_kmh") {
            Some(_) => c.number("speed_kmh", 0.0, f64::MAX, true),
            None => None,
        };
        let rules = c.required("rules");
        let base = match (row.get("base"), row.get("base_lon"), row.get("base_lat")) {
            (Some(id), None, None) => Some((BaseSpec::Id(id.to_string()), false)),
            (None, Some(_), Some(_)) => {
                let lon = c.number("base_lon", -180.0, 180.0, false);
                let lat = c.number("base_lat", -90.0, 90.0, false);
                lon.zip(lat)
                    .map(|(lon, lat)| (BaseSpec::Point([lon, lat]), true))
            }
            (Some(_), _, _) => {
                c.bad(
                    "base",
                    "give either base or base_lon and base_lat, not both".into(),
                );
                None
            }
            (None, None, None) => {
                c.bad(
                    "base",
                    "empty: give base (a region or post id) or base_lon and base_lat".into(),
                );
                None
            }
            (None, _, _) => {
                c.bad(
                    "base_lon",
                    "base_lon and base_lat must both be given".into(),
                );
                None
            }
        };
        let volunteer = match row.get("volunteer").map(str::to_lowercase).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                c.bad("volunteer", format!("{other:?} is not true or false"));
                false
            }
        };
        let reach = c.number("reach_minutes", 0.0, f64::MAX, false);
        let effectiveness = c.number("effectiveness", 0.0, 1.0, true);
        let available = match (row.get("available"), grid) {
            (Some(text), Some(grid)) => match availability(text, grid) {
                Ok(ranges) => Some(ranges),
                Err(msg) => {
                    c.bad("available", msg);
                    None
                }
            },
            _ => None,
        };
        if !c.ok {
            return;
        }
        let (
            Some(id),
            Some(kind),
            Some(members),
            Some(speed),
            Some(rules),
            Some((base, base_is_point)),
        ) = (id, kind, members, speed, rules, base)
        else {
            return;
        };
        teams.push(TeamInput {
            line: row.line,
            base_is_point,
            spec: TeamSpec {
                id,
                kind,
                volunteer,
                members: Number::from(members),
                base,
                speed_kmh: Some(speed),
                reach_minutes: reach,
                effectiveness,
                rules,
                available: available.map(|r| {
                    r.into_iter()
                        .map(|(a, b)| [Number::from(a), Number::from(b)])
                        .collect()
                }),
            },
        });
    });
    teams
}

/// Reads the posts file.
pub fn read_posts(input: impl Read, file: &str, report: &mut Report) -> Vec<PostInput> {
    let Some(mut table) = Table::open(input, file, &POST_COLUMNS, report) else {
        return Vec::new();
    };
    let mut posts = Vec::new();
    each_row(&mut table, file, report, "post", |c, id| {
        let row = c.row;
        let lon = c
            .required("lon")
            .and_then(|_| c.number("lon", -180.0, 180.0, false));
        let lat = c
            .required("lat")
            .and_then(|_| c.number("lat", -90.0, 90.0, false));
        let capacity = c.count("capacity", 0);
        if !c.ok {
            return;
        }
        let (Some(id), Some(lon), Some(lat)) = (id, lon, lat) else {
            return;
        };
        posts.push(PostInput {
            line: row.line,
            spec: PostSpec {
                id,
                location: [lon, lat],
                capacity: Some(Number::from(capacity.unwrap_or(1))),
            },
        });
    });
    posts
}

/// Turns an `available` cell into slot ranges: windows may touch but not overlap;
/// touching windows are joined before the whole-slot rule is applied; ranges are
/// clipped to the horizon.
pub fn availability(text: &str, grid: &Grid) -> Result<Vec<(usize, usize)>, String> {
    let mut windows: Vec<(i128, i128, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (k, part) in text.split(';').map(str::trim).enumerate() {
        if part.is_empty() {
            continue;
        }
        if let Some((a, b)) = part.split_once('/') {
            match (parse_instant(a), parse_instant(b)) {
                (Some((a, _)), Some((b, _))) if b > a => windows.push((a, b, k)),
                (Some(_), Some(_)) => problems.push(format!("window {part:?} ends before it starts")),
                _ => problems.push(format!("window {part:?}: FROM/TO must be RFC 3339 times such as 2026-12-07T08:00:00+08:00")),
            }
        } else if let Some((a, b)) = part
            .split_once('-')
            .filter(|(a, _)| (4..=5).contains(&a.trim().len()))
        {
            match (parse_clock(a, false), parse_clock(b, true)) {
                (Some(a), Some(b)) => {
                    windows.extend(grid.daily_minutes(a, b).into_iter().map(|(x, y)| (x, y, k)))
                }
                _ => problems.push(format!(
                    "window {part:?}: a clock window is HH:MM-HH:MM, such as 22:00-06:00"
                )),
            }
        } else {
            problems.push(format!(
                "window {part:?} is neither FROM/TO (RFC 3339) nor HH:MM-HH:MM"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    windows.sort();
    let mut merged: Vec<(i128, i128)> = Vec::new();
    for w in windows.windows(2) {
        if w[1].0 < w[0].1 {
            let (a, b) = (parts[w[0].2], parts[w[1].2]);
            let what = if a == b {
                format!("window {a:?} overlaps itself on consecutive days")
            } else {
                format!("windows {a:?} and {b:?} overlap")
            };
            return Err(what);
        }
    }
    for (a, b, _) in windows {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    Ok(merged
        .into_iter()
        .map(|(a, b)| grid.whole_slots(a, b))
        .filter(|(a, b)| b > a)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid::new("2026-12-07T00:00:00+08:00", 60, 48).unwrap()
    }

    #[test]
    fn clock_and_rfc_windows() {
        let g = grid();
        assert_eq!(
            availability("08:00-16:00", &g).unwrap(),
            vec![(8, 16), (32, 40)]
        );
        assert_eq!(
            availability("22:00-06:00", &g).unwrap(),
            vec![(0, 6), (22, 30), (46, 48)]
        );
        assert_eq!(
            availability("07:30-12:00", &g).unwrap(),
            vec![(8, 12), (32, 36)]
        );
        assert_eq!(
            availability("2026-12-07T10:00:00+08:00/2026-12-07T04:00:00Z", &g).unwrap(),
            vec![(10, 12)]
        );
        // Touching windows are one window before the whole-slot rule.
        assert_eq!(
            availability("2026-12-07T08:00:00+08:00/2026-12-07T08:30:00+08:00;2026-12-07T08:30:00+08:00/2026-12-07T09:00:00+08:00", &g).unwrap(),
            vec![(8, 9)]
        );
        assert_eq!(availability("00:00-00:00", &g).unwrap(), vec![(0, 48)]);
        assert_eq!(
            availability("18:00-24:00", &g).unwrap(),
            vec![(18, 24), (42, 48)]
        );
    }

    #[test]
    fn broken_windows() {
        let g = grid();
        assert!(availability("08:00-16:00;12:00-20:00", &g)
            .unwrap_err()
            .contains("overlap"));
        assert!(availability("8-16", &g).is_err());
        assert_eq!(
            availability("8:00-9:00", &g).unwrap(),
            vec![(8, 9), (32, 33)]
        );
        assert!(availability("25:00-06:00", &g).is_err());
        assert!(
            availability("2026-12-07T10:00:00+08:00/2026-12-07T09:00:00+08:00", &g)
                .unwrap_err()
                .contains("ends before")
        );
        assert!(availability("2026-12-07 10:00/x", &g).is_err());
    }
}
