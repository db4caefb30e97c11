//! End-to-end: `patrolplan evaluate` and `patrolplan baseline` exit codes and output.

use std::path::Path;
use std::process::Command;

const INSTANCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/eval_matrix.json");

fn patrolplan(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn schedule(teams: &str) -> String {
    format!(
        r#"{{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":{teams},"summary":{{"any":1}}}}"#
    )
}

const FEASIBLE: &str = r#"[{"id":"T1","shifts":[{"start":0,"at":["R1","R1","R1","R1"]}]},
    {"id":"M1","shifts":[{"start":0,"at":["P1","P1"]}]}]"#;

#[test]
fn feasible_is_0_infeasible_is_1_bad_input_is_2() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.json", &schedule(FEASIBLE));
    let (code, out, err) = patrolplan(&["evaluate", INSTANCE, &ok]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("FEASIBLE") && out.contains("meeting_rate"),
        "{out}"
    );

    let bad = write(
        dir.path(),
        "bad.json",
        &schedule(
            r#"[{"id":"T1","shifts":[{"start":0,"at":["R3"]}]},{"id":"ZZ","shifts":[{"start":9,"at":["Q"]}]}]"#,
        ),
    );
    let (code, out, _) = patrolplan(&["evaluate", INSTANCE, &bad]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("INFEASIBLE") && out.contains("reach") && out.contains("location_kind"),
        "{out}"
    );

    for text in [
        "{",
        r#"{"format":"patrolplan.schedule.v2","instance":"eval-matrix","teams":[]}"#,
        r#"{"format":"patrolplan.schedule.v1","instance":"other","teams":[]}"#,
        r#"{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":[{"id":"T1","shifts":[]},{"id":"T1","shifts":[]}]}"#,
        r#"{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":[{"id":"T1","shifts":[{"start":0,"at":[]}]}]}"#,
        r#"{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":[],"extra":true}"#,
    ] {
        let path = write(dir.path(), "input.json", text);
        let (code, out, err) = patrolplan(&["evaluate", INSTANCE, &path]);
        assert_eq!(code, 2, "{text}: {out}{err}");
        assert!(!err.is_empty());
    }
    let (code, _, _) = patrolplan(&["evaluate", &ok, &ok]);
    assert_eq!(code, 2, "a schedule is not an instance");
    let (code, _, _) = patrolplan(&["evaluate", INSTANCE, "/nonexistent/schedule.json"]);
    assert_eq!(code, 2);
}

#[test]
fn json_output_is_the_contract_object() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "s.json",
        &schedule(
            r#"[{"id":"T1","shifts":[{"start":0,"at":["R1","R1","R1","R1"]}]},{"id":"V1","shifts":[{"start":0,"at":["R2"]}]}]"#,
        ),
    );
    let (code, out, _) = patrolplan(&["evaluate", INSTANCE, &bad, "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["feasible"], false);
    let viol = &v["violations"][0];
    assert_eq!(viol["rule"], "volunteer_escort");
    assert_eq!(viol["team"], "V1");
    assert_eq!(viol["slot"], 0);
    assert_eq!(viol["location"], "R2");
    assert!(viol["detail"].is_string());
    for key in ["total", "presence", "response", "backup"] {
        assert!(v["objective"][key].is_number(), "{key}");
    }
    for key in [
        "meeting_rate",
        "risk_coverage",
        "response_coverage",
        "backup_coverage",
        "expected_preventable_incidents",
    ] {
        assert!(v["kpis"][key].is_number(), "{key}");
    }
    // No mobile team works: backup coverage is 0, not null (risk is positive).
    assert_eq!(v["kpis"]["backup_coverage"], 0.0);
    assert!(v["baseline"]["objective"]["total"].is_number());
}

#[test]
fn baseline_command_writes_a_schedule_that_evaluates() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("base.json");
    let out = out_path.to_str().unwrap();
    let (code, _, err) = patrolplan(&["baseline", INSTANCE, "--out", out]);
    assert_eq!(code, 0, "{err}");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(file["format"], "patrolplan.schedule.v1");
    assert!(file["summary"]["objective"]["total"].is_number());
    let (code, stdout, _) = patrolplan(&["evaluate", INSTANCE, out, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(code, if v["feasible"] == true { 0 } else { 1 });
    assert_eq!(v["objective"], file["summary"]["objective"]);
    assert_eq!(v["objective"], v["baseline"]["objective"]);
    let (code, _, _) = patrolplan(&["baseline", "/nonexistent.json", "--out", out]);
    assert_eq!(code, 2);
}
