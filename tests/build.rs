//! `patrolplan build`: each input format, good and broken files, problems named by file,
//! line or feature and column, exit 2; the shipped sample builds and validates; a round
//! trip from a preset through GeoJSON/CSV solves to the same result as the preset.

use std::path::{Path, PathBuf};
use std::process::Command;

use patrolplan::build::sample::{sample_set, SAMPLE_START};
use patrolplan::build::{build, BuildError, BuildRequest, InputProblem, Place};
use patrolplan::generate::{generate, Preset};
use patrolplan::model::raw::*;
use patrolplan::{Instance, Solver};

const RULES: &str = r#"{"standard": {"min_shift_slots": 2, "max_shift_slots": 8, "min_rest_slots": 4, "max_work_slots": 16, "max_hop_minutes": 30}}"#;

const REGIONS: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "A", "group": "West", "population": 1000, "risk": 0.5, "fid": 7},
  "geometry": {"type": "Polygon", "coordinates": [[[118.70, 32.00], [118.72, 32.00], [118.72, 32.02], [118.70, 32.02], [118.70, 32.00]]]}},
 {"type": "Feature", "properties": {"id": "B", "group": "East", "risk": 0.25},
  "geometry": {"type": "Polygon", "coordinates": [[[118.72, 32.00], [118.74, 32.00], [118.74, 32.02], [118.72, 32.02], [118.72, 32.00]]]}},
 {"type": "Feature", "properties": {"id": 17, "name": "Station", "risk": 1},
  "geometry": {"type": "Point", "coordinates": [118.73, 32.03]}}
]}"#;

const TEAMS: &str = "rules,id,kind,members,speed_kmh,base,base_lon,base_lat,available,volunteer,effectiveness,reach_minutes
standard,T1,patrol,5,15,A,,,08:00-16:00,,,
standard,T2,patrol,4,15,,118.725,32.01,22:00-06:00,false,0.9,30
standard,T3,mobile,6,30,P1,,,,,,
standard,V1,patrol,5,5,B,,,2026-12-07T09:00:00+08:00/2026-12-07T13:30:00+08:00,true,0.6,
";

const POSTS: &str = "lat,lon,id,capacity\n32.01,118.71,P1,2\n32.015,118.735,P2,\n";

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn put(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    fn request(
        &self,
        regions: &str,
        teams: &str,
        posts: Option<&str>,
        incidents: Option<&str>,
        rules: Option<&str>,
    ) -> BuildRequest {
        BuildRequest {
            regions: self.put("regions.geojson", regions),
            teams: self.put("teams.csv", teams),
            posts: posts.map(|p| self.put("posts.csv", p)),
            incidents: incidents.map(|i| self.put("incidents.csv", i)),
            start: "2026-12-07T00:00:00+08:00".into(),
            slot_minutes: 60,
            slots: 48,
            rules: rules.map(|r| self.put("rules.json", r)),
            objective: None,
            name: "test".into(),
        }
    }
}

fn problems(r: Result<patrolplan::build::Built, BuildError>) -> Vec<InputProblem> {
    match r {
        Err(BuildError::Invalid(ps)) => ps,
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("expected problems"),
    }
}

fn has(ps: &[InputProblem], file_end: &str, place: Place, field: &str) -> bool {
    ps.iter()
        .any(|p| p.file.ends_with(file_end) && p.place == place && p.field == field)
}

#[test]
fn good_files_build_a_valid_instance() {
    let f = Files::new();
    let built = build(&f.request(REGIONS, TEAMS, Some(POSTS), None, Some(RULES))).expect("builds");
    let file = &built.file;
    assert_eq!(
        file.horizon.start.as_deref(),
        Some("2026-12-07T00:00:00+08:00")
    );
    assert!(
        matches!(file.travel, Some(TravelSpec::Haversine { detour_factor }) if detour_factor == 1.3)
    );
    assert_eq!(file.regions.len(), 3);
    assert_eq!(file.regions[2].id, "17");
    assert_eq!(file.regions[2].location, Some([118.73, 32.03]));
    assert!(file.regions[0].boundary.is_some());
    let avail = |i: usize| -> Vec<(u64, u64)> {
        file.teams[i]
            .available
            .as_ref()
            .map(|v| {
                v.iter()
                    .map(|[a, b]| (a.as_u64().unwrap(), b.as_u64().unwrap()))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(avail(0), vec![(8, 16), (32, 40)]);
    // Overnight: the first morning too, clipped at the end.
    assert_eq!(avail(1), vec![(0, 6), (22, 30), (46, 48)]);
    assert!(file.teams[2].available.is_none());
    // 09:00-13:30: slot 13 is not whole.
    assert_eq!(avail(3), vec![(9, 13)]);
    assert!(file.teams[3].volunteer);
    assert_eq!(file.teams[1].effectiveness, Some(0.9));
    assert!(matches!(
        file.teams[1].base,
        BaseSpec::Point([118.725, 32.01])
    ));
    assert_eq!(
        file.posts[1].capacity.as_ref().and_then(|c| c.as_u64()),
        Some(1)
    );
    Instance::from_file(file).expect("the built instance validates");
}

#[test]
fn every_broken_file_is_named_at_once() {
    let f = Files::new();
    let regions = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "A", "risk": 0.5},
  "geometry": {"type": "Polygon", "coordinates": [[[218.70, 32.00], [118.72, 32.00], [118.72, 32.02], [118.70, 32.00]]]}},
 {"type": "Feature", "properties": {"risk": [1, 2]},
  "geometry": {"type": "Point", "coordinates": [118.73, 32.03]}},
 {"type": "Feature", "properties": {"id": "A", "risk": -1}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}
]}"#;
    let teams = "id,kind,members,speed_kmh,rules,base,base_lon,base_lat,available,colour
T1,patrol,five,15,standard,A,,,08:00-16:00;12:00-20:00,red
T1,boat,5,-3,nosuch,A,118.7,32.0,,
T3,patrol,5,15,standard,,,,25:00-06:00,
";
    let posts = "id,lon\nP1,118.7\n";
    let rules = r#"{"standard": {"min_shift_slots": 2, "max_shift_slots": 8, "min_rest_slots": 4, "max_work_slots": 16, "max_hop_minutes": 30, "max_shift_hours": 8}}"#;
    let ps = problems(build(&f.request(
        regions,
        teams,
        Some(posts),
        None,
        Some(rules),
    )));
    for p in &ps {
        eprintln!("{p}");
    }
    assert!(
        has(&ps, "regions.geojson", Place::Feature(0), "geometry"),
        "bad coordinates"
    );
    assert!(
        has(&ps, "regions.geojson", Place::Feature(1), "properties.id"),
        "missing id"
    );
    assert!(
        has(&ps, "regions.geojson", Place::Feature(1), "properties.risk"),
        "wrong length"
    );
    assert!(
        has(&ps, "regions.geojson", Place::Feature(2), "properties.id"),
        "duplicate id"
    );
    assert!(
        has(&ps, "regions.geojson", Place::Feature(2), "properties.risk"),
        "negative risk"
    );
    assert!(
        has(&ps, "regions.geojson", Place::Feature(2), "geometry"),
        "LineString"
    );
    assert!(
        has(&ps, "teams.csv", Place::Line(1), "column colour"),
        "unknown column"
    );
    assert!(has(&ps, "teams.csv", Place::Line(2), "column members"));
    assert!(
        has(&ps, "teams.csv", Place::Line(2), "column available"),
        "overlapping windows"
    );
    assert!(
        has(&ps, "teams.csv", Place::Line(3), "column id"),
        "duplicate team id"
    );
    assert!(has(&ps, "teams.csv", Place::Line(3), "column kind"));
    assert!(has(&ps, "teams.csv", Place::Line(3), "column speed_kmh"));
    assert!(
        has(&ps, "teams.csv", Place::Line(3), "column base"),
        "both base forms"
    );
    assert!(
        has(&ps, "teams.csv", Place::Line(4), "column base"),
        "no base"
    );
    assert!(
        has(&ps, "teams.csv", Place::Line(4), "column available"),
        "bad clock"
    );
    assert!(
        has(&ps, "posts.csv", Place::Line(1), "column lat"),
        "missing column"
    );
    assert!(
        ps.iter()
            .any(|p| p.file.ends_with("rules.json") && p.message.contains("max_shift_hours")),
        "unknown rule field"
    );
    let overlap = ps
        .iter()
        .find(|p| p.field == "column available" && p.place == Place::Line(2))
        .unwrap();
    assert!(overlap.message.contains("overlap"), "{overlap}");
}

#[test]
fn unknown_rule_set_and_base_are_named_with_their_line() {
    let f = Files::new();
    let teams = "id,kind,members,speed_kmh,rules,base\nT1,patrol,5,15,night,A\nT2,patrol,5,15,standard,Nowhere\n";
    let ps = problems(build(&f.request(REGIONS, teams, None, None, Some(RULES))));
    assert!(has(&ps, "teams.csv", Place::Line(2), "column rules"));
    assert!(has(&ps, "teams.csv", Place::Line(3), "column base"));
    let ps = problems(build(&f.request(REGIONS, teams, None, None, None)));
    assert!(ps
        .iter()
        .any(|p| p.field == "column rules" && p.message.contains("no --rules")));
}

#[test]
fn validation_problems_are_mapped_back_to_the_input() {
    let f = Files::new();
    // A mobile volunteer and a rule set whose min shift exceeds its max: found by the
    // instance validation, named in the teams and rules files.
    let teams = "id,kind,members,speed_kmh,rules,base,volunteer\nT1,mobile,5,15,standard,P1,true\n";
    let rules = r#"{"standard": {"min_shift_slots": 9, "max_shift_slots": 8, "min_rest_slots": 4, "max_work_slots": 16, "max_hop_minutes": 30}}"#;
    let ps = problems(build(&f.request(
        REGIONS,
        teams,
        Some(POSTS),
        None,
        Some(rules),
    )));
    for p in &ps {
        eprintln!("{p}");
    }
    assert!(has(&ps, "teams.csv", Place::Line(2), "column volunteer"));
    assert!(ps.iter().any(|p| p.file.ends_with("rules.json")
        && matches!(&p.place, Place::Path(s) if s.starts_with("standard"))));
}

#[test]
fn incidents_outside_or_broken_are_counted_not_fatal() {
    let f = Files::new();
    let incidents = "weight,time,lat,lon,type
1,2026-11-02T08:15:00+08:00,32.01,118.71,theft
2,2026-11-02T00:15:00.250Z,32.01,118.73,assault
1,2026-11-09T08:15:00+08:00,32.01,118.71,theft
1,2026-11-03T08:15:00+08:00,33.50,118.71,theft
1,yesterday,32.01,118.71,theft
1,2026-11-03T08:15:00+08:00,north,118.71,theft
-1,2026-11-03T08:15:00+08:00,32.01,118.71,theft
1,2026-11-03T08:15:00+08:00,32.01
";
    let built = build(&f.request(REGIONS, TEAMS, Some(POSTS), Some(incidents), Some(RULES)))
        .expect("bad records are not fatal");
    let fit = built.incidents.expect("fitted");
    assert_eq!(fit.tally.rows, 8);
    assert_eq!(fit.tally.placed, 3);
    let count = |c| fit.tally.rejected.get(&c).map_or(0, |v| v.0);
    use patrolplan::build::incidents::Cause;
    assert_eq!(count(Cause::OutsideEveryRegion), 1);
    assert_eq!(count(Cause::UnreadableTime), 1);
    assert_eq!(count(Cause::UnreadablePlace), 1);
    assert_eq!(count(Cause::UnreadableWeight), 1);
    assert_eq!(count(Cause::UnreadableRow), 1);
    assert_eq!(fit.tally.rejected[&Cause::OutsideEveryRegion].1, vec![5]);
    // Risk comes from the records: region A had 2 records (weight 2), B one of weight 2;
    // the Point region holds none.
    let total = |i: usize| match &built.file.regions[i].risk {
        PerSlot::Series(v) => v.iter().sum::<f64>(),
        PerSlot::Scalar(_) => panic!("estimated risk is a series"),
    };
    assert!(total(0) > 0.0 && total(1) > 0.0);
    assert_eq!(total(2), 0.0);
    // Records are required columns too: an unknown column is an error.
    let ps = problems(build(&f.request(
        REGIONS,
        TEAMS,
        Some(POSTS),
        Some("time,lon,lat,severity\n"),
        Some(RULES),
    )));
    assert!(has(&ps, "incidents.csv", Place::Line(1), "column severity"));
}

#[test]
fn regions_without_risk_need_incidents() {
    let f = Files::new();
    let regions = REGIONS.replace(r#", "risk": 0.25"#, "");
    let ps = problems(build(&f.request(
        &regions,
        TEAMS,
        Some(POSTS),
        None,
        Some(RULES),
    )));
    assert!(has(
        &ps,
        "regions.geojson",
        Place::Feature(1),
        "properties.risk"
    ));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patrolplan"))
}

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

#[test]
fn shipped_sample_is_the_generator_output() {
    let set = sample_set(1);
    let dir = sample_dir();
    for (name, text) in [
        ("regions.geojson", &set.regions_geojson),
        ("teams.csv", &set.teams_csv),
        ("posts.csv", &set.posts_csv),
        ("incidents.csv", &set.incidents_csv),
        ("rules.json", &set.rules_json),
        ("objective.json", &set.objective_json),
    ] {
        let shipped = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(shipped == *text, "data/sample/{name} differs from sample_set(1): run `cargo run --release --example sample_data`");
    }
}

#[test]
fn cli_builds_the_sample_and_it_validates() {
    let dir = sample_dir();
    let out = tempfile::tempdir().unwrap();
    let inst = out.path().join("sample.json");
    let o = bin()
        .args(["build", "--regions"])
        .arg(dir.join("regions.geojson"))
        .arg("--teams")
        .arg(dir.join("teams.csv"))
        .arg("--posts")
        .arg(dir.join("posts.csv"))
        .arg("--incidents")
        .arg(dir.join("incidents.csv"))
        .arg("--rules")
        .arg(dir.join("rules.json"))
        .arg("--objective")
        .arg(dir.join("objective.json"))
        .args([
            "--start",
            SAMPLE_START,
            "--slot-minutes",
            "60",
            "--slots",
            "168",
            "--out",
        ])
        .arg(&inst)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("outside every region") && stderr.contains("unreadable time"),
        "{stderr}"
    );
    let v = bin().arg("validate").arg(&inst).output().unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let loaded = patrolplan::load_instance(&inst).unwrap();
    assert_eq!(loaded.regions().len(), 480);
    assert_eq!(loaded.horizon().start.as_deref(), Some(SAMPLE_START));
}

#[test]
fn cli_reports_problems_with_exit_2_and_writes_nothing() {
    let f = Files::new();
    let out = f.dir.path().join("out.json");
    let o = bin()
        .args(["build", "--regions"])
        .arg(f.put(
            "r.geojson",
            "{\"type\": \"FeatureCollection\", \"features\": [{}]}",
        ))
        .arg("--teams")
        .arg(f.put("t.csv", "id,kind\n"))
        .args([
            "--start",
            "tomorrow",
            "--slot-minutes",
            "0",
            "--slots",
            "24",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for needle in [
        "--start",
        "--slot-minutes",
        "r.geojson: features[0]",
        "t.csv: line 1, column members",
    ] {
        assert!(stderr.contains(needle), "{needle} not in {stderr}");
    }
    assert!(!out.exists());
}

// ---- round trip: preset -> GeoJSON/CSV -> build -> same instance, same solve ----

fn regions_geojson(file: &InstanceFile) -> String {
    let features: Vec<serde_json::Value> = file
        .regions
        .iter()
        .map(|r| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "id": r.id, "name": r.name, "group": r.group, "population": r.population,
                                "risk": r.risk, "footfall": r.footfall, "source": "preset" },
                "geometry": r.boundary,
            })
        })
        .collect();
    serde_json::to_string(&serde_json::json!({"type": "FeatureCollection", "features": features}))
        .unwrap()
}

fn teams_csv(file: &InstanceFile) -> String {
    let start =
        chrono::DateTime::parse_from_rfc3339(file.horizon.start.as_deref().unwrap()).unwrap();
    let minutes = file.horizon.slot_minutes.as_i64().unwrap();
    let at = |s: &serde_json::Number| {
        (start + chrono::Duration::minutes(minutes * s.as_i64().unwrap())).to_rfc3339()
    };
    let mut out = String::from(
        "available,reach_minutes,rules,effectiveness,id,kind,members,speed_kmh,base,volunteer\n",
    );
    for t in &file.teams {
        let available = t
            .available
            .as_ref()
            .map(|v| {
                v.iter()
                    .map(|[a, b]| format!("{}/{}", at(a), at(b)))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        let BaseSpec::Id(base) = &t.base else {
            panic!("preset bases are ids")
        };
        let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "\"{available}\",{},{},{},{},{},{},{},{},{}\n",
            opt(t.reach_minutes),
            t.rules,
            opt(t.effectiveness),
            t.id,
            if t.kind == TeamKind::Patrol {
                "patrol"
            } else {
                "mobile"
            },
            t.members,
            t.speed_kmh.unwrap(),
            base,
            if t.volunteer { "true" } else { "" }
        ));
    }
    out
}

fn posts_csv(file: &InstanceFile) -> String {
    let mut out = String::from("id,lon,lat,capacity\n");
    for p in &file.posts {
        out.push_str(&format!(
            "{},{},{},{}\n",
            p.id,
            p.location[0],
            p.location[1],
            p.capacity
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default()
        ));
    }
    out
}

#[test]
fn round_trip_from_a_preset_solves_to_the_same_result() {
    let preset = generate(Preset::Small, 1);
    let f = Files::new();
    let req = BuildRequest {
        regions: f.put("regions.geojson", &regions_geojson(&preset)),
        teams: f.put("teams.csv", &teams_csv(&preset)),
        posts: Some(f.put("posts.csv", &posts_csv(&preset))),
        incidents: None,
        start: preset.horizon.start.clone().unwrap(),
        slot_minutes: preset.horizon.slot_minutes.as_u64().unwrap() as u32,
        slots: preset.horizon.slots.as_u64().unwrap() as usize,
        rules: Some(f.put(
            "rules.json",
            &serde_json::to_string(&preset.shift_rules).unwrap(),
        )),
        objective: Some(f.put(
            "objective.json",
            &serde_json::to_string(&preset.objective).unwrap(),
        )),
        name: preset.name.clone(),
    };
    let built = build(&req).expect("the exported preset builds").file;
    // The same data: what the planner formats cannot say (explicit region points and
    // min_patrol requirements) is taken out of the preset; touching availability ranges
    // are joined as the validator joins them.
    let mut reference = preset.clone();
    for r in &mut reference.regions {
        r.location = None;
        r.min_patrol.clear();
    }
    for t in &mut reference.teams {
        if let Some(v) = &mut t.available {
            let mut merged: Vec<[serde_json::Number; 2]> = Vec::new();
            for [a, b] in v.drain(..) {
                match merged.last_mut() {
                    Some(last) if a.as_u64() <= last[1].as_u64() => last[1] = b,
                    _ => merged.push([a, b]),
                }
            }
            *v = merged;
        }
    }
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        serde_json::to_value(&reference).unwrap()
    );
    let a = Instance::from_file(&built).unwrap();
    let b = Instance::from_file(&reference).unwrap();
    let sa = Solver::new(&a)
        .seed(3)
        .iterations(3_000)
        .threads(1)
        .solve()
        .unwrap();
    let sb = Solver::new(&b)
        .seed(3)
        .iterations(3_000)
        .threads(1)
        .solve()
        .unwrap();
    assert_eq!(sa.schedule, sb.schedule);
    assert_eq!(sa.objective.total, sb.objective.total);
    let referee = patrolplan::schedule::evaluate(&a, &sa.schedule);
    assert!(referee.feasible);
    assert!(
        (referee.objective.total - sa.objective.total).abs()
            <= 1e-9 * sa.objective.total.abs().max(1.0)
    );
}
