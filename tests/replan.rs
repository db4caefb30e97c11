//! Re-planning (MODEL.md section 9): every event type, history and pins kept, the change
//! budget, each re-plan judged feasible by the evaluator's section 9 rules, and the
//! objective from `now` on not worse when the old plan is still feasible.

use std::process::Command;

use patrolplan::events::parse_events;
use patrolplan::model::TeamKind;
use patrolplan::schedule::{
    count_changes, evaluate, evaluate_replan_schedule, objective_from, read_schedule,
    to_schedule_file, write_schedule_file, Cell, Rule, Schedule, Shift,
};
use patrolplan::{load_instance, Instance, Solver};
use patrolplan::{Replan, Replanner, RunSettings};

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/small.json");

/// `small` and a plan of it, solved once for every test of this binary.
fn small() -> (Instance, Schedule) {
    static SOLVED: std::sync::OnceLock<(Instance, Schedule)> = std::sync::OnceLock::new();
    SOLVED
        .get_or_init(|| {
            let inst = load_instance(SMALL).unwrap();
            let plan = Solver::new(&inst)
                .seed(3)
                .iterations(20_000)
                .threads(1)
                .solve()
                .unwrap()
                .schedule;
            (inst, plan)
        })
        .clone()
}

fn options() -> RunSettings {
    RunSettings {
        time_limit: Some(std::time::Duration::from_millis(150)),
        seed: 1,
        bound_share: None,
        ..RunSettings::default()
    }
}

/// Teams of `kind` working in slot `s` (with their shift's range), in index order.
fn working(
    inst: &Instance,
    plan: &Schedule,
    kind: TeamKind,
    s: usize,
) -> Vec<(usize, usize, usize)> {
    (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == kind)
        .filter_map(|k| {
            plan.shifts[k]
                .iter()
                .find(|sh| sh.start <= s && s < sh.end())
                .map(|sh| (k, sh.start, sh.end()))
        })
        .collect()
}

fn events_json(
    inst: &Instance,
    now: usize,
    events: &[String],
    max_changes: Option<usize>,
) -> String {
    format!(
        r#"{{"format":"patrolplan.events.v1","instance":"{}","now":{now},"events":[{}]{}}}"#,
        inst.name(),
        events.join(","),
        max_changes.map_or(String::new(), |m| format!(r#","max_changes":{m}"#))
    )
}

/// Re-plans and checks every section 9 promise by the evaluator and by hand.
fn check_replan(inst: &Instance, plan: &Schedule, json: &str) -> Replan {
    let events = parse_events(json, inst, plan).expect("valid events");
    let updated = events.apply(inst).expect("valid updated instance");
    let rules = events.rules(plan.clone());
    let mut rp = Replanner::new(inst.clone(), plan.clone()).with_settings(options());
    let out = rp.apply(&events).expect("a feasible re-plan");
    let referee = evaluate_replan_schedule(&updated, &out.schedule, &rules);
    assert!(
        referee.feasible,
        "{:?}",
        &referee.violations[..referee.violations.len().min(5)]
    );
    let slots = inst.slots();
    for k in 0..inst.teams().len() {
        let (a, b) = (plan.row(k, slots), out.schedule.row(k, slots));
        assert_eq!(a[..events.now], b[..events.now], "history of team {k}");
        for p in rules.pins.iter().filter(|p| p.team == k) {
            assert_eq!(a[p.from..p.to], b[p.from..p.to], "pin of team {k}");
        }
        for d in rules.dispatched.iter().filter(|d| d.team == k) {
            assert!(b[d.from..d.to].iter().all(|c| *c == Cell::Null));
        }
    }
    if let Some(m) = events.max_changes {
        assert!(out.changes <= m, "{} changes, budget {m}", out.changes);
    }
    // The re-planner's incremental numbers agree with the evaluator's.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
    let after = objective_from(&updated, &out.schedule, events.now);
    assert!(
        close(after.total, out.objective_after.total),
        "{after:?} {:?}",
        out.objective_after
    );
    assert!(close(after.response, out.objective_after.response));
    assert!(close(after.backup, out.objective_after.backup));
    let before = objective_from(&updated, plan, events.now);
    assert!(
        close(before.total, out.objective_before.total),
        "{before:?} {:?}",
        out.objective_before
    );
    let total = objective_from(&updated, &out.schedule, 0);
    assert!(close(total.total, out.objective_total.total));
    let (changes, teams) = count_changes(&updated, &rules, &out.schedule);
    assert_eq!(changes, out.changes);
    let ids: Vec<String> = teams.iter().map(|&k| inst.teams()[k].id.clone()).collect();
    assert_eq!(ids, out.changed_teams);
    out
}

#[test]
fn a_dispatch_nulls_the_team_and_moves_up_the_others() {
    let (inst, plan) = small();
    let now = 20;
    let mobile = working(&inst, &plan, TeamKind::Mobile, now);
    let (k, _, end) = mobile[0];
    let to = end.min(now + 3);
    let ev = format!(
        r#"{{"type":"dispatched","team":"{}","from":{now},"to":{to}}}"#,
        inst.teams()[k].id
    );
    let out = check_replan(
        &inst,
        &plan,
        &events_json(&inst, now, std::slice::from_ref(&ev), None),
    );
    assert!(out.move_ups <= 3 * (to - now));
    // A budget of 0: only the dispatch itself changes (it does not count).
    let out0 = check_replan(&inst, &plan, &events_json(&inst, now, &[ev], Some(0)));
    assert_eq!(out0.changes, 0);
    assert_eq!(out0.move_ups, 0);
}

#[test]
fn a_drop_out_is_cut_and_repaired() {
    let (inst, plan) = small();
    let now = 10;
    let patrol = working(&inst, &plan, TeamKind::Patrol, now + 1);
    let drop = |k: usize| {
        format!(
            r#"{{"type":"unavailable","team":"{}","from":{},"to":{}}}"#,
            inst.teams()[k].id,
            now + 1,
            inst.slots()
        )
    };
    // The repair is greedy (docs/replan.md): it may answer "no re-plan found" for some
    // pairs of drop-outs, never a wrong re-plan. Pairs in order until one is repaired.
    let mut repaired = 0;
    for pair in patrol.windows(2).take(6) {
        let evs = vec![drop(pair[0].0), drop(pair[1].0)];
        let json = events_json(&inst, now, &evs, None);
        let events = parse_events(&json, &inst, &plan).unwrap();
        let mut rp = Replanner::new(inst.clone(), plan.clone()).with_settings(options());
        match rp.apply(&events) {
            Ok(_) => {
                check_replan(&inst, &plan, &json);
                check_replan(&inst, &plan, &events_json(&inst, now, &evs, Some(40)));
                repaired += 1;
                break;
            }
            Err(e) => assert!(
                matches!(e, patrolplan::replan::ReplanError::Infeasible(_)),
                "{e}"
            ),
        }
    }
    assert_eq!(repaired, 1, "no pair of drop-outs was repaired");
}

/// The first region no patrol team stands in during `slots` (region 0 when every one has
/// someone): a new requirement there has to move a team.
fn unpatrolled_region(inst: &Instance, plan: &Schedule, slots: std::ops::Range<usize>) -> usize {
    (0..inst.regions().len())
        .find(|&r| {
            slots.clone().all(|s| {
                (0..inst.teams().len()).all(|k| {
                    plan.location(k, s) != Some(r as u32)
                        || inst.teams()[k].kind != TeamKind::Patrol
                })
            })
        })
        .unwrap_or(0)
}

#[test]
fn a_new_requirement_is_met() {
    let (inst, plan) = small();
    let now = 12;
    // The region with the most patrol presence nearby but none in the requirement slots.
    let slots = inst.slots();
    let r = unpatrolled_region(&inst, &plan, now + 1..now + 3);
    let ev = format!(
        r#"{{"type":"requirement","region":"{}","from":{},"to":{},"teams":1}}"#,
        inst.regions()[r].id,
        now + 1,
        (now + 3).min(slots)
    );
    let out = check_replan(&inst, &plan, &events_json(&inst, now, &[ev], None));
    assert!(out.changes >= 1, "the requirement needed a change");
}

#[test]
fn reserves_risk_and_pins_never_lower_the_objective_from_now_on() {
    let (inst, plan) = small();
    let now = 16;
    let patrol = working(&inst, &plan, TeamKind::Patrol, now);
    let idle = (0..inst.teams().len())
        .find(|&k| plan.shifts[k].is_empty() || plan.shifts[k].iter().all(|sh| sh.end() + 12 < now))
        .unwrap_or(0);
    let evs = [
        format!(
            r#"{{"type":"available","team":"{}","from":{now},"to":{}}}"#,
            inst.teams()[idle].id,
            inst.slots()
        ),
        format!(
            r#"{{"type":"risk","region":"{}","from":{now},"to":{},"factor":4}}"#,
            inst.regions()[1].id,
            now + 6
        ),
        format!(
            r#"{{"type":"pin","team":"{}","from":{now},"to":{}}}"#,
            inst.teams()[patrol[0].0].id,
            now + 4
        ),
    ];
    for (i, ev) in evs.iter().enumerate() {
        for budget in [None, Some(5)] {
            let json = events_json(&inst, now, std::slice::from_ref(ev), budget);
            let out = check_replan(&inst, &plan, &json);
            assert!(
                out.objective_after.total >= out.objective_before.total - 1e-9,
                "event {i}: {} < {}",
                out.objective_after.total,
                out.objective_before.total
            );
        }
    }
}

#[test]
fn a_warm_replanner_applies_events_one_after_another() {
    let (inst, plan) = small();
    let mut rp = Replanner::new(inst.clone(), plan.clone()).with_settings(options());
    let mut from = 6;
    for _ in 0..3 {
        let (now, (k, _, end)) = (from..inst.slots())
            .find_map(|s| {
                working(&inst, rp.schedule(), TeamKind::Mobile, s)
                    .first()
                    .map(|w| (s, *w))
            })
            .expect("a mobile team works later");
        from = now + 3;
        let json = events_json(
            rp.instance(),
            now,
            &[format!(
                r#"{{"type":"dispatched","team":"{}","from":{now},"to":{}}}"#,
                inst.teams()[k].id,
                end.min(now + 2)
            )],
            None,
        );
        let previous = rp.schedule().clone();
        let events = parse_events(&json, rp.instance(), &previous).unwrap();
        let updated = events.apply(rp.instance()).unwrap();
        let out = rp.apply(&events).unwrap();
        let referee = evaluate_replan_schedule(&updated, &out.schedule, &events.rules(previous));
        assert!(
            referee.feasible,
            "now {now}: {:?}",
            referee.violations.first()
        );
    }
}

#[test]
fn the_cli_replans_and_the_evaluator_judges_the_replan() {
    let (inst, plan) = small();
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("plan.json");
    write_schedule_file(&prev, &to_schedule_file(&inst, &plan, None)).unwrap();
    let now = 20;
    let (k, _, end) = working(&inst, &plan, TeamKind::Mobile, now)[0];
    let json = events_json(
        &inst,
        now,
        &[format!(
            r#"{{"type":"dispatched","team":"{}","from":{now},"to":{}}}"#,
            inst.teams()[k].id,
            end.min(now + 2)
        )],
        Some(10),
    );
    let events = dir.path().join("events.json");
    std::fs::write(&events, &json).unwrap();
    let new = dir.path().join("new.json");
    let bin = env!("CARGO_BIN_EXE_patrolplan");
    let out = Command::new(bin)
        .args(["replan", SMALL])
        .arg(&prev)
        .arg("--events")
        .arg(&events)
        .arg("--out")
        .arg(&new)
        .args(["--time-limit", "0.2", "--no-bound"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&new).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in [
        "changes",
        "changed_teams",
        "objective_before",
        "objective_after",
        "proven_optimal",
    ] {
        assert!(!file["summary"][key].is_null(), "summary lacks {key}");
    }
    let judge = |schedule: &std::path::Path| {
        Command::new(bin)
            .args(["evaluate", SMALL])
            .arg(schedule)
            .arg("--events")
            .arg(&events)
            .arg("--previous")
            .arg(&prev)
            .arg("--json")
            .output()
            .unwrap()
    };
    let ok = judge(&new);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    // Plain `evaluate` treats the dispatched team's null as a location_kind breach.
    let updated = parse_events(&json, &inst, &plan)
        .unwrap()
        .apply(&inst)
        .unwrap();
    let re = read_schedule(&updated, &text).unwrap();
    let plain = evaluate(&updated, &re);
    assert!(plain
        .violations
        .iter()
        .any(|v| v.rule == Rule::LocationKind));

    // Changing history, or keeping the old plan (no null), is judged infeasible.
    let mut bad = re.clone();
    let j = (0..inst.teams().len())
        .find(|&j| bad.shifts[j].first().is_some_and(|sh| sh.start < now))
        .unwrap();
    bad.shifts[j][0].start += 0;
    bad.shifts[j][0].at[0] = if bad.shifts[j][0].at[0] == 0 { 1 } else { 0 };
    let bad_path = dir.path().join("bad.json");
    write_schedule_file(&bad_path, &to_schedule_file(&updated, &bad, None)).unwrap();
    let out = judge(&bad_path);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"history"), "{rules:?}");
    let out = judge(&prev);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the old plan keeps the dispatched team at its post"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("location_kind"));
    let _ = Shift::NULL;
}

/// A previous plan of `small` and a dispatch at slot 20 written to `dir`: (instance
/// path, previous, events).
fn cli_inputs(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (inst, plan) = small();
    let prev = dir.join("plan.json");
    write_schedule_file(&prev, &to_schedule_file(&inst, &plan, None)).unwrap();
    let now = 20;
    let (k, _, end) = working(&inst, &plan, TeamKind::Mobile, now)[0];
    let json = events_json(
        &inst,
        now,
        &[format!(
            r#"{{"type":"dispatched","team":"{}","from":{now},"to":{}}}"#,
            inst.teams()[k].id,
            end.min(now + 2)
        )],
        None,
    );
    let events = dir.join("events.json");
    std::fs::write(&events, json).unwrap();
    (prev, events)
}

fn replan_cmd(prev: &std::path::Path, events: &std::path::Path, out: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_patrolplan"));
    cmd.args(["replan", SMALL])
        .arg(prev)
        .arg("--events")
        .arg(events)
        .arg("--out")
        .arg(out);
    cmd
}

fn judged_feasible(
    prev: &std::path::Path,
    events: &std::path::Path,
    new: &std::path::Path,
) -> bool {
    Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(["evaluate", SMALL])
        .arg(new)
        .arg("--events")
        .arg(events)
        .arg("--previous")
        .arg(prev)
        .output()
        .unwrap()
        .status
        .code()
        == Some(0)
}

/// The CLI's re-plan with an iteration budget and a seed is reproducible, and the
/// summary reports the improvement's counters.
#[test]
fn the_cli_replan_with_iterations_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let (prev, events) = cli_inputs(dir.path());
    let mut teams = Vec::new();
    for i in 0..2 {
        let new = dir.path().join(format!("new{i}.json"));
        let out = replan_cmd(&prev, &events, &new)
            .args(["--iterations", "20000", "--seed", "4", "--no-bound"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(judged_feasible(&prev, &events, &new));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
        assert_eq!(v["summary"]["solver"]["iterations"], 20_000);
        teams.push(v["teams"].clone());
    }
    assert_eq!(teams[0], teams[1]);
}

/// SIGINT and SIGTERM stop the re-optimisation; the best re-plan found is written and
/// judged feasible.
#[cfg(unix)]
#[test]
fn a_signal_stops_the_replan_which_writes_its_best_replan() {
    let dir = tempfile::tempdir().unwrap();
    let (prev, events) = cli_inputs(dir.path());
    for signal in ["INT", "TERM"] {
        let new = dir.path().join(format!("new-{signal}.json"));
        let mut child = replan_cmd(&prev, &events, &new)
            .args(["--time-limit", "60", "--no-bound"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1000));
        let sent = std::time::Instant::now();
        let kill = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(0), "{signal}: {err}");
        assert!(sent.elapsed() < std::time::Duration::from_secs(20));
        assert!(judged_feasible(&prev, &events, &new), "{signal}");
    }
}

/// A closed stdout is not a panic: the re-plan is written and the exit code is 0.
#[cfg(unix)]
#[test]
fn a_closed_stdout_does_not_stop_the_replan() {
    let dir = tempfile::tempdir().unwrap();
    let (prev, events) = cli_inputs(dir.path());
    let new = dir.path().join("new.json");
    let script = format!(
        "{{ sleep 0.3; exec '{}' replan '{SMALL}' '{}' --events '{}' --out '{}' --time-limit 0.2 --no-bound; }} | (exec 0<&-; sleep 0.1); exit ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_patrolplan"),
        prev.display(),
        events.display(),
        new.display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(judged_feasible(&prev, &events, &new));
}

/// The instance is loaded through the memory estimate: a limit it does not fit is
/// exit 2 with the estimate; bad events leave an existing output file as it was.
#[test]
fn the_replan_respects_max_memory_and_leaves_the_output_alone_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (prev, events) = cli_inputs(dir.path());
    let new = dir.path().join("new.json");
    std::fs::write(&new, "keep me").unwrap();
    let out = replan_cmd(&prev, &events, &new)
        .args(["--max-memory", "1K", "--no-bound"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("needs about"), "{err}");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"format":"patrolplan.events.v1","instance":"small-2days-seed1","now":20,"events":[{"type":"dispatched","team":"NOPE","from":20,"to":21}]}"#,
    )
    .unwrap();
    let out = replan_cmd(&prev, &bad, &new)
        .args(["--no-bound"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("events[0].team"), "{err}");
    assert_eq!(std::fs::read_to_string(&new).unwrap(), "keep me");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".patrolplan-"))
        .collect();
    assert!(left.is_empty(), "no temporary file is left");
}

/// Every event type in one file (a dispatch, a patrol and a mobile drop-out, a reserve,
/// a requirement, a risk spike and a pin), with and without a budget; then a second
/// file on the warm re-planner, where the earlier dispatch is over and a pin over its
/// null is bad input.
#[test]
fn mixed_events_in_one_file_and_a_chain() {
    let (inst, plan) = small();
    let now = 14;
    let mobile = working(&inst, &plan, TeamKind::Mobile, now);
    let patrol = working(&inst, &plan, TeamKind::Patrol, now + 1);
    let (d, _, dend) = mobile[0];
    let (m2, _, _) = mobile[1];
    let (p1, _, _) = patrol[0];
    let (p2, _, _) = patrol[patrol.len() - 1];
    let idle = (0..inst.teams().len())
        .find(|&k| inst.teams()[k].kind == TeamKind::Patrol && plan.shifts[k].is_empty())
        .unwrap_or(p2);
    let id = |k: usize| inst.teams()[k].id.clone();
    let dto = dend.min(now + 2);
    let req = unpatrolled_region(&inst, &plan, now + 1..now + 3);
    let evs = vec![
        format!(
            r#"{{"type":"dispatched","team":"{}","from":{now},"to":{dto}}}"#,
            id(d)
        ),
        format!(
            r#"{{"type":"unavailable","team":"{}","from":{},"to":{}}}"#,
            id(p1),
            now + 1,
            now + 6
        ),
        format!(
            r#"{{"type":"unavailable","team":"{}","from":{now},"to":{}}}"#,
            id(m2),
            now + 3
        ),
        format!(
            r#"{{"type":"available","team":"{}","from":{now},"to":{}}}"#,
            id(idle),
            now + 10
        ),
        format!(
            r#"{{"type":"requirement","region":"{}","from":{},"to":{},"teams":1}}"#,
            inst.regions()[req].id,
            now + 1,
            now + 3
        ),
        format!(
            r#"{{"type":"risk","region":"{}","from":{now},"to":{},"factor":2.5}}"#,
            inst.regions()[3].id,
            now + 5
        ),
        format!(
            r#"{{"type":"pin","team":"{}","from":{now},"to":{}}}"#,
            id(p2),
            now + 4
        ),
    ];
    check_replan(&inst, &plan, &events_json(&inst, now, &evs, None));
    check_replan(&inst, &plan, &events_json(&inst, now, &evs, Some(30)));

    // The chain: the first re-plan becomes the previous plan of the next file.
    let mut rp = Replanner::new(inst.clone(), plan.clone()).with_settings(options());
    let first = parse_events(&events_json(&inst, now, &evs[..1], None), &inst, &plan).unwrap();
    rp.apply(&first).unwrap();
    let previous = rp.schedule().clone();
    let later = now + 1;
    let pin = format!(
        r#"{{"type":"pin","team":"{}","from":{later},"to":{}}}"#,
        id(d),
        later + 1
    );
    let err = parse_events(
        &events_json(rp.instance(), later, &[pin], None),
        rp.instance(),
        &previous,
    )
    .unwrap_err();
    assert!(err.paths().contains(&"events[0]"), "{err}");
    // Without the pin: the dispatch is not re-sent, so the team is back on stand-by.
    let next = parse_events(
        &events_json(rp.instance(), later, &[], None),
        rp.instance(),
        &previous,
    )
    .unwrap();
    let updated = next.apply(rp.instance()).unwrap();
    let out = rp.apply(&next).unwrap();
    let referee = evaluate_replan_schedule(&updated, &out.schedule, &next.rules(previous));
    assert!(referee.feasible, "{:?}", referee.violations.first());
    if dto > later {
        assert_ne!(out.schedule.cell(d, later), Cell::Null);
    }
}

/// A team made unavailable from `now` for three slots in the middle of its shift: the
/// shift is cut at `now` (history), and what is left after the range lies within the
/// rest of the cut piece, so the re-plan must drop or move it. The re-planner used to
/// keep it when the cut piece ended exactly at `now` (rest counted only from runs that
/// ended before `now`): a `rest` breach, which the evaluator now refuses here.
#[test]
fn a_shift_cut_at_now_keeps_its_rest() {
    let (inst, plan) = small();
    let now = 14;
    let mut checked = 0;
    for kind in [TeamKind::Mobile, TeamKind::Patrol] {
        let teams = working(&inst, &plan, kind, now);
        let Some(&(k, _, _)) = teams
            .iter()
            .find(|&&(kk, a, e)| a < now && e >= now + 3 + inst.rules_of(kk).min_shift_slots)
        else {
            continue;
        };
        let ev = format!(
            r#"{{"type":"unavailable","team":"{}","from":{now},"to":{}}}"#,
            inst.teams()[k].id,
            now + 3
        );
        check_replan(&inst, &plan, &events_json(&inst, now, &[ev], None));
        checked += 1;
    }
    assert!(checked > 0, "no team's shift spans the cut");
}
