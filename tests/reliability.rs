//! End-to-end reliability: huge but valid instances are refused with the memory estimate
//! (exit 2) or run within the limit, failed writes are exit 1 with nothing half-written,
//! a closed stdout is not a panic, SIGTERM and SIGINT stop a solve that then writes its
//! best schedule.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_patrolplan");

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A valid instance on a grid of regions around Nanjing: `teams` patrol teams based in
/// regions with full reach (no `reach_minutes`), `mobile` mobile teams at `posts` posts.
fn grid_instance(regions: usize, slots: usize, teams: usize, posts: usize, mobile: usize) -> Value {
    let side = (regions as f64).sqrt().ceil() as usize;
    let loc = |i: usize| {
        json!([
            118.7 + 0.01 * (i % side) as f64,
            32.0 + 0.01 * (i / side) as f64
        ])
    };
    let regions_json: Vec<Value> = (0..regions)
        .map(|i| json!({"id": format!("R{i}"), "location": loc(i), "risk": 0.1 + 0.05 * (i % 7) as f64}))
        .collect();
    let posts_json: Vec<Value> = (0..posts)
        .map(|i| json!({"id": format!("P{i}"), "location": loc((i * 37) % regions), "capacity": 2}))
        .collect();
    let mut teams_json: Vec<Value> = (0..teams)
        .map(|k| {
            json!({"id": format!("T{k}"), "kind": "patrol", "members": 2,
                   "base": format!("R{}", (k * 13) % regions), "speed_kmh": 20, "rules": "std"})
        })
        .collect();
    teams_json.extend((0..mobile).map(|k| {
        json!({"id": format!("M{k}"), "kind": "mobile", "members": 2,
               "base": format!("P{}", k % posts.max(1)), "speed_kmh": 40, "rules": "std"})
    }));
    json!({
        "format": "patrolplan.instance.v1",
        "name": "grid",
        "horizon": {"slot_minutes": 30, "slots": slots},
        "regions": regions_json,
        "posts": posts_json,
        "shift_rules": {"std": {"min_shift_slots": 4, "max_shift_slots": 16, "min_rest_slots": 16,
                                "max_work_slots": (slots / 3).max(16), "max_hop_minutes": 15}},
        "teams": teams_json,
    })
}

fn write_json(dir: &Path, name: &str, v: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(v).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

/// Exit 2, the estimate in GiB or MiB, the limit, and what to reduce.
fn assert_refused(out: &Output, reduce: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains("needs about"), "{err}");
    assert!(err.contains("more than the limit of"), "{err}");
    assert!(err.contains(reduce), "expected {reduce:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_issue_instance_is_refused_with_its_estimate() {
    // 2,400 regions, 20,000 slots, 3,000 teams with full reach: valid, and the solve
    // allocated past 7 GB before it aborted.
    let dir = tempfile::tempdir().unwrap();
    let inst = write_json(
        dir.path(),
        "issue.json",
        &grid_instance(2400, 20_000, 3000, 0, 0),
    );
    let out_path = dir.path().join("out.json");
    let out = run(&[
        "solve",
        &inst,
        "--out",
        out_path.to_str().unwrap(),
        "--iterations",
        "10",
        "--max-memory",
        "4G",
    ]);
    assert_refused(
        &out,
        "fewer regions (2400) or a shorter horizon (20000 slots)",
    );
    assert!(!out_path.exists(), "nothing is written");
    // The other commands that load it are refused too, before any big allocation.
    for cmd in ["validate", "bound", "baseline"] {
        let mut args = vec![cmd, inst.as_str(), "--max-memory", "512M"];
        if cmd == "baseline" {
            args.extend(["--out", out_path.to_str().unwrap()]);
        }
        assert_refused(&run(&args), "or a shorter horizon (20000 slots)");
    }
}

#[test]
fn many_slots_and_many_teams_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Many slots: 300 regions over two weeks of minutes.
    let slots = write_json(
        dir.path(),
        "slots.json",
        &grid_instance(300, 20_160, 50, 0, 0),
    );
    assert_refused(
        &run(&["bound", &slots, "--max-memory", "256M"]),
        "shorter horizon",
    );
    // Many teams with full reach: 20,000 teams over 10,000 slots (team-slot arrays).
    let teams = write_json(
        dir.path(),
        "teams.json",
        &grid_instance(20, 10_000, 20_000, 0, 0),
    );
    let out_path = dir.path().join("out.json");
    let out = run(&[
        "solve",
        &teams,
        "--out",
        out_path.to_str().unwrap(),
        "--max-memory",
        "1G",
    ]);
    assert_refused(&out, "fewer teams (20000)");
}

#[test]
fn a_dense_matrix_is_refused_before_it_is_parsed_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let n = 1500;
    let mut inst = grid_instance(n, 24, 10, 0, 0);
    let ids: Vec<String> = (0..n).map(|i| format!("R{i}")).collect();
    let minutes: Vec<Vec<u32>> = (0..n)
        .map(|i| (0..n).map(|j| (i.abs_diff(j) % 10) as u32).collect())
        .collect();
    inst["travel"] = json!({"model": "matrix", "ids": ids, "minutes": minutes});
    let path = write_json(dir.path(), "matrix.json", &inst);
    // The text is about 4.5 MB; parsed, the matrix alone takes 36 MB.
    let out = run(&["validate", &path, "--max-memory", "24M"]);
    assert_refused(&out, "split the instance");
    // With room for it, the matrix is the largest part and is named.
    let out = run(&["validate", &path, "--max-memory", "50M"]);
    assert_refused(&out, "fewer travel matrix ids (1500)");
    // And it validates with enough memory.
    let out = run(&["validate", &path, "--max-memory", "1G"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_instance_that_fits_solves_within_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.json");
    let out = run(&[
        "solve",
        &data("tiny.json"),
        "--out",
        out_path.to_str().unwrap(),
        "--iterations",
        "300",
        "--threads",
        "1",
        "--quiet",
        "--max-memory",
        "300M",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out_path.exists());
}

#[test]
fn a_bound_that_does_not_fit_is_skipped_and_the_solve_goes_on() {
    use patrolplan::model::memory::{estimate, Sizes, Work};
    let dir = tempfile::tempdir().unwrap();
    let v = grid_instance(400, 1000, 40, 0, 0);
    let path = write_json(dir.path(), "mid.json", &v);
    let inst = patrolplan::load_instance(&path).unwrap();
    let sizes = Sizes::of_instance(&inst);
    let comps = Some(patrolplan::search::components::memory_profile(&inst));
    let peak = |with_bound| {
        estimate(
            &sizes,
            &Work::Solve {
                components: comps,
                with_bound,
            },
            0,
        )
        .peak()
    };
    let (without, with) = (peak(false), peak(true));
    assert!(
        with > without,
        "the Lagrangian bound is the largest phase here"
    );
    let limit = ((without + with) / 2).to_string();
    let out_path = dir.path().join("out.json");
    let out = run(&[
        "solve",
        &path,
        "--out",
        out_path.to_str().unwrap(),
        "--iterations",
        "200",
        "--threads",
        "1",
        "--quiet",
        "--max-memory",
        &limit,
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("the upper bound would need about"), "{err}");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert!(file["summary"]["bound"].is_null(), "no bound, no gap");
}

#[test]
fn bad_max_memory_values_are_usage_errors() {
    for bad in ["lots", "0", "4X", "-1G"] {
        let out = run(&["validate", &data("tiny.json"), "--max-memory", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".patrolplan-"))
        .collect()
}

/// `baseline`, `replan`, `report`, `export` (each of its files) and `build`, with
/// their outputs in `out_dir` (the inputs in `dir`, `schedule` a solved schedule of
/// `tiny` once the commands run).
fn more_writing_commands(
    dir: &Path,
    tiny: &str,
    schedule: &str,
    out_dir: &Path,
) -> Vec<Vec<String>> {
    let events = dir.join("events.json");
    std::fs::write(
        &events,
        r#"{"format":"patrolplan.events.v1","instance":"tiny-day-seed1","now":4,"events":[]}"#,
    )
    .unwrap();
    let out = |name: &str| out_dir.join(name).to_str().unwrap().to_string();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let sample = |f: &str| sample.join(f).to_str().unwrap().to_string();
    let strings = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<String>>();
    let mut cases = vec![
        strings(&["baseline", tiny, "--out", &out("b.json")]),
        strings(&[
            "replan",
            tiny,
            schedule,
            "--events",
            events.to_str().unwrap(),
            "--out",
            &out("r.json"),
            "--iterations",
            "100",
            "--no-bound",
        ]),
        strings(&["report", tiny, schedule, "--out", &out("r.html")]),
    ];
    for flag in ["--geojson", "--csv", "--slots-csv"] {
        cases.push(strings(&["export", tiny, schedule, flag, &out("e.out")]));
    }
    cases.push(strings(&[
        "build",
        "--regions",
        &sample("regions.geojson"),
        "--teams",
        &sample("teams.csv"),
        "--posts",
        &sample("posts.csv"),
        "--incidents",
        &sample("incidents.csv"),
        "--rules",
        &sample("rules.json"),
        "--objective",
        &sample("objective.json"),
        "--start",
        patrolplan::build::sample::SAMPLE_START,
        "--slot-minutes",
        "60",
        "--slots",
        "168",
        "--out",
        &out("i.json"),
    ]));
    cases
}

#[test]
fn every_writing_command_fails_with_exit_1_into_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = data("tiny.json");
    let sched = dir.path().join("s.json");
    let out = run(&[
        "solve",
        &tiny,
        "--out",
        sched.to_str().unwrap(),
        "--iterations",
        "100",
        "--quiet",
        "--no-bound",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let missing = dir.path().join("no-such-dir");
    for case in more_writing_commands(dir.path(), &tiny, sched.to_str().unwrap(), &missing) {
        let args: Vec<&str> = case.iter().map(String::as_str).collect();
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("no-such-dir"), "the path is named: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!missing.exists(), "{args:?} made the directory");
    }
}

#[test]
fn report_and_export_are_refused_with_their_estimate_and_the_bound_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let v = grid_instance(400, 1000, 100, 10, 10);
    let inst = write_json(dir.path(), "mid.json", &v);
    let sched = dir.path().join("s.json");
    let s = sched.to_str().unwrap();
    let out = run(&["baseline", &inst, "--out", s]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = dir.path().join("r.html");
    let h = html.to_str().unwrap();
    for args in [
        vec!["report", &inst, s, "--out", h, "--max-memory", "24M"],
        vec!["export", &inst, s, "--csv", h, "--max-memory", "24M"],
    ] {
        let out = run(&args);
        assert_refused(&out, "");
        assert!(!html.exists(), "nothing written");
    }
    // Enough for the report, not for a bound as well: the report is written without one.
    let out = run(&[
        "report",
        &inst,
        s,
        "--out",
        h,
        "--max-memory",
        "120M",
        "--bound-time-limit",
        "1",
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("no bound: it would need about"), "{err}");
    assert!(html.exists());
}

#[test]
fn a_missing_directory_is_exit_1_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-dir").join("out.json");
    let t = target.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["baseline", "__tiny__", "--out", t],
        vec!["generate", "--preset", "tiny", "--out", t],
        vec![
            "solve",
            "__tiny__",
            "--out",
            t,
            "--iterations",
            "50",
            "--quiet",
            "--no-bound",
        ],
    ];
    let tiny = data("tiny.json");
    for case in cases {
        let args: Vec<&str> = case
            .iter()
            .map(|a| if *a == "__tiny__" { tiny.as_str() } else { a })
            .collect();
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(t), "the path is named: {err}");
        assert!(err.contains("does not exist"), "{err}");
        assert!(!target.exists());
    }
}

#[test]
fn a_directory_as_output_is_exit_1_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "baseline",
        &data("tiny.json"),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write"), "{err}");
    assert!(dir.path().is_dir());
    assert!(
        temp_files(dir.path()).is_empty(),
        "no temporary file is left"
    );
}

#[cfg(unix)]
#[test]
fn a_full_disk_is_exit_1_and_the_old_file_is_kept() {
    // `ulimit -f` makes the write fail part-way as a full disk would (EFBIG instead of
    // ENOSPC); SIGXFSZ is ignored by the shell so that the write returns an error.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    std::fs::write(&target, "old contents").unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 8; exec '{BIN}' baseline '{}' --out '{}'",
        data("small.json"),
        target.display()
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(target.to_str().unwrap()), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old contents");
    assert!(
        temp_files(dir.path()).is_empty(),
        "no temporary file is left"
    );
}

/// Runs `args` with a stdout whose reader has gone away: the command starts after
/// the reader closed the pipe, so every write gets EPIPE. Returns the exit code.
#[cfg(unix)]
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "{{ sleep 0.3; exec '{BIN}' {}; }} | (exec 0<&-; sleep 0.1); exit ${{PIPESTATUS[0]}}",
        quoted.join(" ")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out.status.code(), stderr(&out))
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = data("tiny.json");
    let sched = dir.path().join("s.json");
    let s = sched.to_str().unwrap();
    let gen = dir.path().join("g.json");
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["validate", &tiny], 0),
        (vec!["validate", &tiny, "--json"], 0),
        (
            vec![
                "generate",
                "--preset",
                "tiny",
                "--out",
                gen.to_str().unwrap(),
            ],
            0,
        ),
        (
            vec![
                "solve",
                &tiny,
                "--out",
                s,
                "--iterations",
                "100",
                "--quiet",
                "--no-bound",
            ],
            0,
        ),
        (vec!["evaluate", &tiny, s], 0),
        (vec!["evaluate", &tiny, s, "--json"], 0),
        (vec!["bound", &tiny, "--method", "trivial"], 0),
        (vec!["bound", &tiny, "--method", "trivial", "--json"], 0),
        (vec!["--help"], 0),
    ];
    let more = more_writing_commands(dir.path(), &tiny, s, dir.path());
    let cases: Vec<(Vec<&str>, i32)> = cases
        .into_iter()
        .chain(
            more.iter()
                .map(|c| (c.iter().map(String::as_str).collect(), 0)),
        )
        .collect();
    for (args, code) in cases {
        let (status, err) = with_closed_stdout(&args);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(status, Some(code), "{args:?}: {err}");
    }
}

/// Waits `wait`, then sends `signal` (TERM, INT) to `child`; returns when it was sent.
#[cfg(unix)]
fn signal_after(child: &std::process::Child, signal: &str, wait: Duration) -> Instant {
    std::thread::sleep(wait);
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    sent
}

/// Starts a long solve, sends `signal` once the solve is under way, and checks that it
/// stops soon and writes a feasible schedule.
#[cfg(unix)]
fn signal_stops_the_solve(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.json");
    let mut child = Command::new(BIN)
        .args([
            "solve",
            &data("small.json"),
            "--out",
            out_path.to_str().unwrap(),
            "--time-limit",
            "60",
            "--no-bound",
            "--quiet",
            "--threads",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let sent = signal_after(&child, signal, Duration::from_millis(1500));
    let status = child.wait().unwrap();
    let waited = sent.elapsed();
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{signal}: {err}");
    assert!(waited < Duration::from_secs(30), "stopped after {waited:?}");
    assert!(err.contains("signal received"), "{err}");
    let eval = run(&["evaluate", &data("small.json"), out_path.to_str().unwrap()]);
    assert_eq!(
        eval.status.code(),
        Some(0),
        "the written schedule is feasible"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_stops_a_solve_which_writes_its_best_schedule() {
    signal_stops_the_solve("TERM");
}

#[cfg(unix)]
#[test]
fn sigint_stops_a_solve_which_writes_its_best_schedule() {
    signal_stops_the_solve("INT");
}

/// SIGINT stops a long `bound` on nanjing (large Lagrangian) soon; it still prints a
/// proven bound, no weaker than the trivial one.
#[cfg(unix)]
#[test]
fn sigint_stops_a_bound_which_prints_its_best_bound() {
    let bound_of = |out: &[u8]| -> f64 {
        let v: serde_json::Value = serde_json::from_slice(out).expect("bound --json");
        v["bound"].as_f64().expect("a bound")
    };
    let trivial = run(&[
        "bound",
        &data("nanjing.json"),
        "--method",
        "trivial",
        "--json",
    ]);
    assert_eq!(trivial.status.code(), Some(0));
    let trivial = bound_of(&trivial.stdout);
    let child = Command::new(BIN)
        .args([
            "bound",
            &data("nanjing.json"),
            "--time-limit",
            "60",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let sent = signal_after(&child, "INT", Duration::from_millis(1500));
    let out = child.wait_with_output().unwrap();
    let waited = sent.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(waited < Duration::from_secs(30), "stopped after {waited:?}");
    assert!(err.contains("signal received"), "{err}");
    let bound = bound_of(&out.stdout);
    assert!(
        bound.is_finite() && bound > 0.0 && bound <= trivial + 1e-6 * trivial,
        "{bound} vs trivial {trivial}"
    );
}

/// `clusters` copies of `v`, one degree apart and with their own ids, every team with a
/// reach: that many independent components.
fn clustered(v: &Value, clusters: usize) -> Value {
    let mut out = v.clone();
    let rename = |id: &Value, c: usize| json!(format!("{}c{c}", id.as_str().unwrap()));
    for key in ["regions", "posts", "teams"] {
        let items: Vec<Value> = (0..clusters)
            .flat_map(|c| {
                v[key].as_array().unwrap().iter().map(move |item| {
                    let mut item = item.clone();
                    item["id"] = rename(&item["id"], c);
                    if let Some(loc) = item.get_mut("location") {
                        loc[0] = json!(loc[0].as_f64().unwrap() + c as f64);
                    }
                    if key == "teams" {
                        item["base"] = rename(&item["base"], c);
                        item["reach_minutes"] = json!(20);
                    }
                    item
                })
            })
            .collect();
        out[key] = Value::Array(items);
    }
    out
}

#[test]
fn each_component_state_holds_only_its_own_regions_and_posts() {
    use patrolplan::search::components::components;
    use patrolplan::search::context::Context;
    use patrolplan::search::state::{Layout, State};
    let v = clustered(&grid_instance(60, 48, 12, 3, 3), 4);
    let inst = patrolplan::Instance::from_json(&v.to_string()).unwrap();
    let comps = components(&inst);
    assert_eq!(comps.len(), 4, "the clusters are independent");
    let ctx = Context::new(&inst);
    let layout = Layout::new(&ctx, &comps);
    let mut regions = 0;
    for (c, teams) in comps.iter().enumerate() {
        let st = State::in_component(&ctx, teams.clone(), &layout, c);
        // Cluster c's ids end in "c<c>": its state holds those and nothing else.
        let suffix = format!("c{c}");
        assert!(st.regions().len() <= 60 && !st.regions().is_empty());
        assert!(st
            .regions()
            .iter()
            .all(|&r| inst.regions()[r as usize].id.ends_with(&suffix)));
        assert!(st
            .posts()
            .iter()
            .all(|&p| inst.posts()[p as usize].id.ends_with(&suffix)));
        regions += st.regions().len();
    }
    assert!(regions <= inst.regions().len());
    // And the solve over the four components is the referee's feasible schedule.
    let out = patrolplan::Solver::new(&inst)
        .iterations(2_000)
        .time_limit(None)
        .solve()
        .unwrap();
    assert_eq!(out.stats.components, 4);
    assert!(patrolplan::schedule::evaluate(&inst, &out.schedule).feasible);
}
