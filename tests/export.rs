//! `patrolplan export`: the GeoJSON parses with the `geojson` crate, has one feature per
//! region, post and patrol shift, stays inside the instance's bounding box and its
//! properties re-add to the evaluator's KPIs; the CSVs parse with the `csv` crate and
//! list every shift / worked slot exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use geojson::{FeatureCollection, GeoJson, Value};
use patrolplan::construct::baseline::baseline;
use patrolplan::model::TeamKind;
use patrolplan::schedule::{evaluate, to_schedule_file, write_schedule_file, Schedule};
use patrolplan::Instance;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_patrolplan")
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn load(path: &Path) -> Instance {
    patrolplan::load_instance(path).unwrap()
}

struct Exported {
    geojson: FeatureCollection,
    roster: Vec<csv::StringRecord>,
    roster_header: csv::StringRecord,
    slots: Vec<csv::StringRecord>,
    slots_header: csv::StringRecord,
}

fn read_csv(path: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (header, rows)
}

fn export(instance: &Path, schedule: &Path, dir: &Path) -> Exported {
    let (g, c, s) = (
        dir.join("plan.geojson"),
        dir.join("roster.csv"),
        dir.join("slots.csv"),
    );
    let out = Command::new(bin())
        .arg("export")
        .arg(instance)
        .arg(schedule)
        .arg("--geojson")
        .arg(&g)
        .arg("--csv")
        .arg(&c)
        .arg("--slots-csv")
        .arg(&s)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&g).unwrap();
    let geojson = match text.parse::<GeoJson>().unwrap() {
        GeoJson::FeatureCollection(fc) => fc,
        other => panic!("not a FeatureCollection: {other:?}"),
    };
    let (roster_header, roster) = read_csv(&c);
    let (slots_header, slots) = read_csv(&s);
    Exported {
        geojson,
        roster,
        roster_header,
        slots,
        slots_header,
    }
}

fn bbox(inst: &Instance) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut add = |x: f64, y: f64| {
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    };
    for r in inst.regions() {
        add(r.point.x(), r.point.y());
        for p in r.boundary.iter().flat_map(|m| m.0.iter()) {
            for c in p
                .exterior()
                .coords()
                .chain(p.interiors().iter().flat_map(|i| i.coords()))
            {
                add(c.x, c.y);
            }
        }
    }
    for p in inst.posts() {
        add(p.point.x(), p.point.y());
    }
    b
}

fn positions(v: &Value) -> Vec<Vec<f64>> {
    match v {
        Value::Point(p) => vec![p.clone()],
        Value::LineString(l) => l.clone(),
        Value::Polygon(p) => p.iter().flatten().cloned().collect(),
        Value::MultiPolygon(m) => m.iter().flatten().flatten().cloned().collect(),
        other => panic!("unexpected geometry {other:?}"),
    }
}

fn prop_f64(f: &geojson::Feature, key: &str) -> Option<f64> {
    f.property(key).and_then(|v| v.as_f64())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Checks every export of `schedule` against the instance and the evaluator.
fn check(inst_path: &Path, schedule: &Schedule) {
    let inst = load(inst_path);
    let dir = tempfile::tempdir().unwrap();
    let sched_path = dir.path().join("schedule.json");
    write_schedule_file(&sched_path, &to_schedule_file(&inst, schedule, None)).unwrap();
    let ex = export(inst_path, &sched_path, dir.path());
    let eval = evaluate(&inst, schedule);

    // One feature per region, post and patrol shift, by kind and id.
    let by_kind = |k: &str| -> Vec<&geojson::Feature> {
        ex.geojson
            .features
            .iter()
            .filter(|f| f.property("kind").and_then(|v| v.as_str()) == Some(k))
            .collect()
    };
    let (regions, posts, routes) = (by_kind("region"), by_kind("post"), by_kind("route"));
    assert_eq!(regions.len(), inst.regions().len());
    assert_eq!(posts.len(), inst.posts().len());
    let patrol_shifts: usize = inst
        .teams()
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TeamKind::Patrol)
        .map(|(k, _)| schedule.shifts[k].len())
        .sum();
    assert!(patrol_shifts > 0);
    assert_eq!(routes.len(), patrol_shifts);
    assert_eq!(
        ex.geojson.features.len(),
        inst.regions().len() + inst.posts().len() + patrol_shifts
    );
    let ids: BTreeSet<&str> = regions
        .iter()
        .map(|f| f.property("id").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(ids, inst.regions().iter().map(|r| r.id.as_str()).collect());

    // Geometry: boundaries stay polygons, point regions points, inside the bounding box.
    let b = bbox(&inst);
    for (f, r) in regions.iter().zip(inst.regions()) {
        let g = &f.geometry.as_ref().unwrap().value;
        match (&r.boundary, g) {
            (Some(_), Value::Polygon(_) | Value::MultiPolygon(_)) | (None, Value::Point(_)) => {}
            _ => panic!("region {} has geometry {g:?}", r.id),
        }
    }
    for f in &ex.geojson.features {
        let g = &f
            .geometry
            .as_ref()
            .expect("every feature has a geometry")
            .value;
        for p in positions(g) {
            assert_eq!(p.len(), 2);
            assert!(
                p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3],
                "{p:?} outside {b:?}"
            );
        }
        // simplestyle: every feature is coloured.
        assert!(
            f.property("fill").is_some()
                || f.property("stroke").is_some()
                || f.property("marker-color").is_some()
        );
    }

    // Properties re-add to the evaluator's KPIs and objective.
    let (mut footfall, mut met, mut risk) = (0.0, 0.0, 0.0);
    let (mut risk_met, mut c1, mut c2, mut patrolled) = (0.0, 0.0, 0.0, 0u64);
    let (mut presence, mut response, mut backup) = (0.0, 0.0, 0.0);
    for f in &regions {
        let (ff, rk) = (
            prop_f64(f, "footfall").unwrap(),
            prop_f64(f, "risk").unwrap(),
        );
        footfall += ff;
        risk += rk;
        met += ff * prop_f64(f, "meeting_share").unwrap_or(0.0);
        risk_met += rk * prop_f64(f, "risk_share").unwrap_or(0.0);
        c1 += rk * prop_f64(f, "response_share").unwrap_or(0.0);
        c2 += rk * prop_f64(f, "backup_share").unwrap_or(0.0);
        patrolled += f.property("patrolled_slots").unwrap().as_u64().unwrap();
        presence += prop_f64(f, "presence").unwrap();
        response += prop_f64(f, "response").unwrap();
        backup += prop_f64(f, "backup").unwrap();
    }
    let k = &eval.kpis;
    assert!(close(met / footfall, k.meeting_rate.unwrap()));
    assert!(close(risk_met / risk, k.risk_coverage.unwrap()));
    assert!(close(c1 / risk, k.response_coverage.unwrap()));
    assert!(close(c2 / risk, k.backup_coverage.unwrap()));
    assert!(close(presence, eval.objective.presence));
    assert!(close(response, eval.objective.response));
    assert!(close(backup, eval.objective.backup));
    assert!(close(presence + response + backup, eval.objective.total));
    // Patrolled region-slots, counted from the schedule itself.
    let mut cells = BTreeSet::new();
    let mut post_team_slots = 0u64;
    for (k, team) in inst.teams().iter().enumerate() {
        for sh in &schedule.shifts[k] {
            for (i, &l) in sh.at.iter().enumerate() {
                match team.kind {
                    TeamKind::Patrol => {
                        cells.insert((l, sh.start + i));
                    }
                    TeamKind::Mobile => post_team_slots += 1,
                }
            }
        }
    }
    assert_eq!(patrolled, cells.len() as u64);
    let team_slots: u64 = posts
        .iter()
        .map(|f| f.property("team_slots").unwrap().as_u64().unwrap())
        .sum();
    assert_eq!(team_slots, post_team_slots);

    // Roster: every shift exactly once, with its locations and clock times.
    assert_eq!(
        ex.roster_header.iter().collect::<Vec<_>>(),
        [
            "team",
            "kind",
            "volunteer",
            "members",
            "start_slot",
            "end_slot",
            "start_time",
            "end_time",
            "locations"
        ]
    );
    let team_index: BTreeMap<&str, usize> = inst
        .teams()
        .iter()
        .enumerate()
        .map(|(k, t)| (t.id.as_str(), k))
        .collect();
    let start = inst
        .horizon()
        .start
        .as_deref()
        .map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap());
    let mut listed = BTreeSet::new();
    for row in &ex.roster {
        let k = team_index[&row[0]];
        let s: usize = row[4].parse().unwrap();
        let e: usize = row[5].parse().unwrap();
        assert!(listed.insert((k, s)), "shift listed twice: {row:?}");
        let sh = schedule.shifts[k].iter().find(|x| x.start == s).unwrap();
        assert_eq!(sh.end(), e);
        let team = &inst.teams()[k];
        assert_eq!(
            &row[1],
            if team.kind == TeamKind::Patrol {
                "patrol"
            } else {
                "mobile"
            }
        );
        assert_eq!(row[2].parse::<bool>().unwrap(), team.volunteer);
        assert_eq!(row[3].parse::<u32>().unwrap(), team.members);
        let ids: Vec<&str> = sh
            .at
            .iter()
            .map(|&l| inst.location_id(team.kind, l as usize))
            .collect();
        assert_eq!(&row[8], ids.join(";"));
        match start {
            Some(t0) => {
                let t = chrono::DateTime::parse_from_rfc3339(&row[6]).unwrap();
                let minutes = (t - t0).num_minutes();
                assert_eq!(minutes, (s * inst.horizon().slot_minutes as usize) as i64);
                assert_eq!(t.offset(), t0.offset());
                let te = chrono::DateTime::parse_from_rfc3339(&row[7]).unwrap();
                assert_eq!(
                    (te - t).num_minutes(),
                    ((e - s) * inst.horizon().slot_minutes as usize) as i64
                );
            }
            None => assert!(row[6].is_empty() && row[7].is_empty()),
        }
    }
    let all: usize = schedule.shifts.iter().map(Vec::len).sum();
    assert_eq!(listed.len(), all);

    // Slots: every worked team-slot exactly once, with its location's point.
    assert_eq!(
        ex.slots_header.iter().collect::<Vec<_>>(),
        ["team", "slot", "time", "location", "lon", "lat"]
    );
    let mut worked = BTreeSet::new();
    for row in &ex.slots {
        let k = team_index[&row[0]];
        let s: usize = row[1].parse().unwrap();
        assert!(worked.insert((k, s)), "team-slot listed twice: {row:?}");
        let l = schedule.location(k, s).unwrap() as usize;
        let team = &inst.teams()[k];
        assert_eq!(&row[3], inst.location_id(team.kind, l));
        let p = match team.kind {
            TeamKind::Patrol => inst.regions()[l].point,
            TeamKind::Mobile => inst.posts()[l].point,
        };
        assert_eq!(row[4].parse::<f64>().unwrap(), p.x());
        assert_eq!(row[5].parse::<f64>().unwrap(), p.y());
        assert_eq!(row[2].is_empty(), start.is_none());
    }
    let total: usize = (0..inst.teams().len())
        .map(|k| schedule.worked_slots(k))
        .sum();
    assert_eq!(worked.len(), total);
}

#[test]
fn small_baseline_exports_match_the_evaluator() {
    let path = data("data/small.json");
    let inst = load(&path);
    check(&path, &baseline(&inst));
}

#[test]
fn hand_schedule_with_point_regions_and_no_start_time() {
    // hand.json: R1 has only a location (Point feature), R2 a boundary; no horizon.start.
    let path = data("tests/data/hand.json");
    let inst = load(&path);
    let json = r#"{"format": "patrolplan.schedule.v1", "instance": "hand", "teams": [
        {"id": "T1", "shifts": [{"start": 0, "at": ["R1", "R1", "R2", "R2"]}]},
        {"id": "V1", "shifts": [{"start": 2, "at": ["R2", "R2"]}]},
        {"id": "M1", "shifts": [{"start": 1, "at": ["P1", "P1", "P1"]}]}]}"#;
    let schedule = patrolplan::schedule::read_schedule(&inst, json).unwrap();
    check(&path, &schedule);
}

#[test]
fn nanjing_baseline_exports_match_the_evaluator() {
    let path = data("data/nanjing.json");
    let inst = load(&path);
    check(&path, &baseline(&inst));
}

#[test]
fn unknown_ids_are_exported_as_written_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let sched = dir.path().join("s.json");
    std::fs::write(
        &sched,
        r#"{"format": "patrolplan.schedule.v1", "instance": "hand", "teams": [
        {"id": "T1", "shifts": [{"start": 0, "at": ["R1", "NOPE"]}]},
        {"id": "M1", "shifts": [{"start": 1, "at": ["P1", null]}]},
        {"id": "GHOST", "shifts": [{"start": 3, "at": ["R2", null]}]}]}"#,
    )
    .unwrap();
    let ex = export(&data("tests/data/hand.json"), &sched, dir.path());
    let roster: Vec<Vec<&str>> = ex.roster.iter().map(|r| r.iter().collect()).collect();
    assert_eq!(
        roster,
        [
            vec!["T1", "patrol", "false", "5", "0", "2", "", "", "R1;NOPE"],
            vec!["M1", "mobile", "false", "6", "1", "3", "", "", "P1;"],
            vec!["GHOST", "", "", "", "3", "5", "", "", "R2;"],
        ]
    );
    // A null location (a dispatched team, section 9) is an empty location without a point.
    let slots: Vec<Vec<&str>> = ex.slots.iter().map(|r| r.iter().collect()).collect();
    assert_eq!(slots.len(), 6);
    assert_eq!(slots[1], ["T1", "1", "", "NOPE", "", ""]);
    assert_eq!(slots[3], ["M1", "2", "", "", "", ""]);
    assert_eq!(slots[4], ["GHOST", "3", "", "R2", "", ""]);
    assert_eq!(slots[5], ["GHOST", "4", "", "", "", ""]);
}

#[test]
fn export_usage_and_bad_input_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inst = data("tests/data/hand.json");
    let sched = dir.path().join("s.json");
    std::fs::write(
        &sched,
        r#"{"format": "patrolplan.schedule.v1", "instance": "other", "teams": []}"#,
    )
    .unwrap();
    let out_file = dir.path().join("x.csv");
    let run = |args: &[&std::ffi::OsStr]| Command::new(bin()).args(args).output().unwrap();
    let o = run(&[
        "export".as_ref(),
        inst.as_os_str(),
        sched.as_os_str(),
        "--csv".as_ref(),
        out_file.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("instance"));
    assert!(!out_file.exists());
    let o = run(&["export".as_ref(), inst.as_os_str(), sched.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to export"));
}

#[test]
fn export_and_report_write_failures_exit_1_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let inst = data("tests/data/hand.json");
    let sched = dir.path().join("s.json");
    let o = Command::new(bin())
        .args([
            "baseline".as_ref(),
            inst.as_os_str(),
            "--out".as_ref(),
            sched.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let missing = dir.path().join("no-such-dir");
    for (cmd, flag, name) in [
        ("export", "--geojson", "x.geojson"),
        ("report", "--out", "x.html"),
    ] {
        let target = missing.join(name);
        let o = Command::new(bin())
            .args([
                cmd.as_ref(),
                inst.as_os_str(),
                sched.as_os_str(),
                flag.as_ref(),
                target.as_os_str(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        assert!(
            err.contains("cannot write") && err.contains(name),
            "{cmd}: {err}"
        );
        assert!(!missing.exists());
    }
}
