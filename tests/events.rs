//! Events files (`patrolplan.events.v1`): every problem reported at once with its JSON
//! path (library and CLI exit 2), and the updated instance they make.

use std::process::Command;

use patrolplan::events::{parse_events, Event};
use patrolplan::model::TeamKind;
use patrolplan::schedule::{to_schedule_file, write_schedule_file, Schedule};
use patrolplan::{Instance, Solver};

const TINY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/tiny.json");

fn tiny() -> (Instance, Schedule) {
    let inst = patrolplan::load_instance(TINY).unwrap();
    let plan = Solver::new(&inst)
        .seed(1)
        .iterations(2_000)
        .threads(1)
        .solve()
        .unwrap()
        .schedule;
    (inst, plan)
}

/// A mobile team working in slot `s` of `plan`, with its shift's end.
fn working_mobile(inst: &Instance, plan: &Schedule, s: usize) -> (String, usize) {
    (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == TeamKind::Mobile)
        .find_map(|k| {
            plan.shifts[k]
                .iter()
                .find(|sh| sh.start <= s && s < sh.end())
                .map(|sh| (inst.teams()[k].id.clone(), sh.end()))
        })
        .expect("a mobile team works")
}

fn idle_mobile_at(inst: &Instance, plan: &Schedule, s: usize) -> String {
    (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == TeamKind::Mobile)
        .find(|&k| plan.location(k, s).is_none())
        .map(|k| inst.teams()[k].id.clone())
        .expect("an idle mobile team")
}

fn bad_events(inst: &Instance, plan: &Schedule) -> (String, Vec<&'static str>) {
    let now = 9;
    let (mobile, end) = working_mobile(inst, plan, now);
    let idle = idle_mobile_at(inst, plan, now);
    let patrol = &inst.teams()[0].id;
    let json = format!(
        r#"{{"format":"patrolplan.events.v1","instance":"another-instance","now":{now},"max_changes":-1,
        "events":[
          {{"type":"dispatched","team":"NO-SUCH-TEAM","from":{now},"to":{}}},
          {{"type":"risk","region":"NO-SUCH-REGION","from":{now},"to":{},"factor":2}},
          {{"type":"teleport","team":"{patrol}","from":{now},"to":{}}},
          {{"type":"unavailable","team":"{patrol}","from":{},"to":{}}},
          {{"type":"dispatched","team":"{mobile}","from":{now},"to":{end}}},
          {{"type":"pin","team":"{mobile}","from":{now},"to":{}}},
          {{"type":"dispatched","team":"{idle}","from":{now},"to":{}}},
          {{"type":"dispatched","team":"{patrol}","from":{now},"to":{}}},
          {{"type":"requirement","region":"R01","from":{now},"to":{},"teams":0}},
          {{"type":"risk","region":"R01","from":{now},"to":{},"factor":-1}},
          {{"type":"available","team":"{patrol}","from":{now},"to":{},"colour":"red"}}
        ]}}"#,
        now + 1,
        now + 2,
        now + 1,
        now - 1,
        now + 1,
        now + 1,
        now + 1,
        now + 1,
        now + 1,
        now + 1,
        now + 1,
    );
    let paths = vec![
        "instance",
        "max_changes",
        "events[0].team",
        "events[1].region",
        "events[2].type",
        "events[3].from",
        "events[7].team",
        "events[8].teams",
        "events[9].factor",
        "events[10].colour",
    ];
    (json, paths)
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let (inst, plan) = tiny();
    let (json, paths) = bad_events(&inst, &plan);
    let err = parse_events(&json, &inst, &plan).unwrap_err();
    let got = err.paths();
    for p in &paths {
        assert!(got.contains(p), "{p} missing in {got:?}");
    }
    // The contradictions among the events that read cleanly are listed with the rest:
    // the pin over a dispatch, the dispatch outside a shift.
    assert!(got.contains(&"events[5]"), "{got:?}");
    assert!(got.contains(&"events[6]"), "{got:?}");

    // Once the field problems are fixed, the contradictions are reported: a pin over a
    // dispatch, a dispatch outside a shift, a dispatch over an unavailable range.
    let (mobile, end) = working_mobile(&inst, &plan, 9);
    let idle = idle_mobile_at(&inst, &plan, 9);
    let json = format!(
        r#"{{"format":"patrolplan.events.v1","instance":"{}","now":9,"events":[
          {{"type":"dispatched","team":"{mobile}","from":9,"to":{end}}},
          {{"type":"pin","team":"{mobile}","from":9,"to":10}},
          {{"type":"dispatched","team":"{idle}","from":9,"to":10}},
          {{"type":"unavailable","team":"{mobile}","from":{},"to":{}}}
        ]}}"#,
        inst.name(),
        end - 1,
        end,
    );
    let err = parse_events(&json, &inst, &plan).unwrap_err();
    let got = err.paths();
    assert!(got.contains(&"events[1]"), "pin over a dispatch: {got:?}");
    assert!(
        got.contains(&"events[2]"),
        "dispatch outside a shift: {got:?}"
    );
    assert!(
        got.iter().filter(|p| **p == "events[0]").count() >= 1,
        "dispatch over an unavailable range: {got:?}"
    );
    assert!(err
        .to_string()
        .contains("does not lie inside one of its shifts"));
}

#[test]
fn the_cli_rejects_bad_events_with_exit_2_and_every_path() {
    let (inst, plan) = tiny();
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("plan.json");
    write_schedule_file(&prev, &to_schedule_file(&inst, &plan, None)).unwrap();
    let (json, paths) = bad_events(&inst, &plan);
    let events = dir.path().join("events.json");
    std::fs::write(&events, json).unwrap();
    let out_file = dir.path().join("new.json");
    let bin = env!("CARGO_BIN_EXE_patrolplan");
    for args in [
        vec![
            "replan",
            TINY,
            prev.to_str().unwrap(),
            "--events",
            events.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ],
        vec![
            "evaluate",
            TINY,
            prev.to_str().unwrap(),
            "--events",
            events.to_str().unwrap(),
            "--previous",
            prev.to_str().unwrap(),
        ],
    ] {
        let out = Command::new(bin).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        for p in &paths {
            assert!(stderr.contains(&format!("{p}:")), "{p} missing in {stderr}");
        }
    }
    assert!(!out_file.exists(), "nothing is written on bad input");

    // Not JSON, and an unreadable previous schedule.
    std::fs::write(&events, "{not json").unwrap();
    let out = Command::new(bin)
        .args(["replan", TINY, prev.to_str().unwrap(), "--events"])
        .arg(&events)
        .args(["--out", out_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&prev, "[]").unwrap();
    let out = Command::new(bin)
        .args(["replan", TINY, prev.to_str().unwrap(), "--events"])
        .arg(&events)
        .args(["--out", out_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("previous schedule"));
}

#[test]
fn applied_events_make_a_revalidated_updated_instance() {
    let (inst, plan) = tiny();
    let k = 0;
    let team = inst.teams()[k].id.clone();
    let json = format!(
        r#"{{"format":"patrolplan.events.v1","instance":"{}","now":4,"events":[
          {{"type":"unavailable","team":"{team}","from":5,"to":24}},
          {{"type":"available","team":"{team}","from":10,"to":12}},
          {{"type":"requirement","region":"R01","from":6,"to":8,"teams":1}},
          {{"type":"risk","region":"R01","from":4,"to":8,"factor":3}},
          {{"type":"risk","region":"R01","from":6,"to":7,"factor":0.5}}
        ]}}"#,
        inst.name()
    );
    let events = parse_events(&json, &inst, &plan).unwrap();
    assert_eq!(events.now, 4);
    assert!(matches!(events.events[0], Event::Unavailable(_)));
    let up = events.apply(&inst).unwrap();
    assert_eq!(up.teams()[k].available, vec![(0, 5), (10, 12)]);
    let r01 = up.regions().iter().position(|r| r.id == "R01").unwrap();
    let before = &inst.regions()[r01];
    let after = &up.regions()[r01];
    assert_eq!(after.min_patrol.len(), before.min_patrol.len() + 1);
    for s in 0..inst.slots() {
        let f = match s {
            4 | 5 | 7 => 3.0,
            6 => 1.5,
            _ => 1.0,
        };
        assert!(
            (after.risk[s] - f * before.risk[s]).abs() <= 1e-12,
            "slot {s}"
        );
    }
    assert_eq!(
        inst.teams()[k].available,
        vec![(0, 24)],
        "the original is untouched"
    );

    // A requirement no team can meet makes an invalid instance: bad input.
    let json = format!(
        r#"{{"format":"patrolplan.events.v1","instance":"{}","now":4,"events":[
          {{"type":"requirement","region":"R01","from":6,"to":8,"teams":1000}}]}}"#,
        inst.name()
    );
    let events = parse_events(&json, &inst, &plan).unwrap();
    assert!(events.apply(&inst).is_err());
}
