//! Validation: every shipped invalid file is rejected with its code and path, through the
//! library and through the CLI (exit 2, path on stderr, no panic); valid files pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use patrolplan::model::{load_instance, InstanceError, CODES};
use serde_json::Value;

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data("invalid/expected.json")).unwrap()).unwrap()
}

#[test]
fn every_invalid_file_reports_its_code_and_path() {
    let expected = expected();
    let cases = expected.as_object().unwrap();
    for (file, want) in cases {
        let err = load_instance(data(&format!("invalid/{file}"))).expect_err(file);
        let problems = err.problems();
        let code = want["code"].as_str().unwrap();
        let path = want["path"].as_str().unwrap();
        assert!(
            problems.iter().any(|p| p.code == code && p.path == path),
            "{file}: expected [{code}] at {path}, got {problems:#?}"
        );
        for p in problems {
            assert!(!p.message.is_empty() && !p.action.is_empty(), "{file}: {p}");
        }
    }
}

#[test]
fn every_validation_code_has_an_invalid_file() {
    let expected = expected();
    let covered: Vec<&str> = expected
        .as_object()
        .unwrap()
        .values()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    for (code, _) in CODES {
        if *code == "file_too_large" {
            continue; // a 1 GiB file is made sparse in its own test below
        }
        assert!(
            covered.contains(code),
            "no file in tests/data/invalid for code {code}"
        );
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let expected = expected();
    let want = expected["many_problems.json"]["all"].as_array().unwrap();
    let err = load_instance(data("invalid/many_problems.json")).unwrap_err();
    for pair in want {
        let (code, path) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert!(
            err.problems()
                .iter()
                .any(|p| p.code == code && p.path == path),
            "missing [{code}] {path} in {:#?}",
            err.problems()
        );
    }
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(patrolplan::model::MAX_FILE_BYTES + 1).unwrap(); // sparse: no disk used
    match load_instance(&path) {
        Err(InstanceError::Invalid(ps)) => assert_eq!(ps[0].code, "file_too_large"),
        other => panic!("expected file_too_large, got {other:?}"),
    }
}

fn patrolplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(args)
        .output()
        .expect("binary runs")
}

#[test]
fn cli_validate_exit_codes_and_paths() {
    let expected = expected();
    for (file, want) in expected.as_object().unwrap() {
        let path = data(&format!("invalid/{file}"));
        let out = patrolplan(&["validate", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(
            stderr.contains(want["path"].as_str().unwrap()),
            "{file}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
    }
    let ok = patrolplan(&["validate", data("hand.json").to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0));
    let missing = patrolplan(&["validate", "/nonexistent/instance.json"]);
    assert_eq!(missing.status.code(), Some(2));
    let usage = patrolplan(&["validate"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn cli_validate_json_lists_problems() {
    let path = data("invalid/many_problems.json");
    let out = patrolplan(&["validate", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 6);
    assert!(v[0]["code"].is_string() && v[0]["path"].is_string() && v[0]["action"].is_string());
}

#[test]
fn shipped_data_files_validate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            load_instance(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let out = patrolplan(&["validate", path.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "{}", path.display());
            seen += 1;
        }
    }
    assert!(
        seen >= 3,
        "expected data/tiny.json, small.json and nanjing.json"
    );
}
