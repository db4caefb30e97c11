//! `patrolplan report` and `evaluate --explain`: the HTML is self-contained, has one map
//! shape per region and one row per breach, carries the evaluator's numbers; the
//! explanation of an uncovered region-slot is checked against hand-computed values.
//! (The real-browser check is tests/browser/run.sh.)

use std::path::{Path, PathBuf};
use std::process::Command;

use patrolplan::construct::baseline::baseline;
use patrolplan::model::TeamKind;
use patrolplan::report::explain::{explain, top_uncovered, Doing, OFF_DUTY};
use patrolplan::schedule::{
    evaluate, evaluate_detailed, read_schedule, to_schedule_file, write_schedule_file,
};
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

const HAND_PLAN: &str = r#"{"format": "patrolplan.schedule.v1", "instance": "hand", "teams": [
    {"id": "T1", "shifts": [{"start": 0, "at": ["R1", "R1", "R1", "R1"]}]}]}"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(1.0)
}

#[test]
fn explanation_of_hand_instance_matches_hand_computation() {
    let inst = load(&data("tests/data/hand.json"));
    let sched = read_schedule(&inst, HAND_PLAN).unwrap();
    let (eval, d) = evaluate_detailed(&inst, &sched);
    assert!(eval.feasible, "{:?}", eval.violations);
    // No mobile team works: every region-slot with risk lacks response cover. R2's risk
    // is [0,1,2,3,2,1], R1's 1: the riskiest are R2@3, then R2@2 and R2@4.
    assert_eq!(top_uncovered(&inst, &d, 3), [(1, 3), (1, 2), (1, 4)]);
    let e = explain(&inst, &d, 1, 3);
    assert_eq!((e.patrols, e.response_teams, e.backup_teams), (0, 0, 0));
    assert_eq!(e.risk, 3.0);
    // w = risk + 0.2 * footfall * sum risk / sum footfall; sum risk 15, footfall R1 1, R2 100.
    let (w1, w2) = (1.0 + 0.2 * 15.0 / 606.0, 3.0 + 0.2 * 100.0 * 15.0 / 606.0);
    assert!(close(e.weight, w2));
    // Patrol candidates: T1 patrols R1 (loses g(1) = 1 there, gains g(1) = 1 here) and V1
    // is off duty (effectiveness 0.5: gains g(0.5) = 0.5 here).
    let t: Vec<(&str, Doing)> = e
        .patrol_candidates
        .iter()
        .map(|c| (inst.teams()[c.team].id.as_str(), c.doing))
        .collect();
    assert_eq!(t, [("T1", Doing::At(0)), ("V1", Doing::Off(OFF_DUTY))]);
    assert!(close(e.patrol_candidates[0].loss, w1));
    assert!(close(e.patrol_candidates[0].gain, w2));
    assert!(close(e.patrol_candidates[1].loss, 0.0));
    assert!(close(e.patrol_candidates[1].gain, 0.5 * w2));
    // Mobile candidate: M1, off duty; at P1 it would cover R1 (risk 1) and R2 (risk 3)
    // within 5 minutes: gain 4 (backup needs two teams: nothing).
    assert_eq!(e.mobile_candidates.len(), 1);
    let m = &e.mobile_candidates[0];
    assert_eq!(inst.teams()[m.team].id, "M1");
    assert_eq!(m.target, Some(0));
    assert!(close(m.gain, 4.0) && close(m.loss, 0.0));
}

#[test]
fn mobile_move_loss_counts_only_regions_it_alone_covers() {
    let inst = load(&data("tests/data/hand.json"));
    let json = r#"{"format": "patrolplan.schedule.v1", "instance": "hand", "teams": [
        {"id": "T1", "shifts": [{"start": 0, "at": ["R1", "R1", "R1", "R1"]}]},
        {"id": "M1", "shifts": [{"start": 2, "at": ["P1", "P1"]}]}]}"#;
    let sched = read_schedule(&inst, json).unwrap();
    let (_, d) = evaluate_detailed(&inst, &sched);
    // M1 alone covers R1 and R2 at slot 3: leaving loses 1 + 3; coming back to P1 gains
    // the same, so the net of staying is 0.
    let (loss, gain) = d.cover_move(&inst, 2, 3, Some(0), Some(0));
    assert!(close(loss, 4.0) && close(gain, 4.0), "{loss} {gain}");
    let (loss, gain) = d.cover_move(&inst, 2, 3, Some(0), None);
    assert!(close(loss, 4.0) && close(gain, 0.0));
}

#[test]
fn every_top_uncovered_cell_is_uncovered_and_candidates_can_reach_it() {
    let inst = load(&data("data/small.json"));
    let sched = baseline(&inst);
    let (_, d) = evaluate_detailed(&inst, &sched);
    let top = top_uncovered(&inst, &d, 15);
    assert_eq!(top.len(), 15);
    let mut last = f64::INFINITY;
    for &(r, s) in &top {
        let i = d.cell(r, s);
        assert!(d.patrols[i] == 0 || !d.c1[i]);
        let risk = inst.regions()[r].risk[s];
        assert!(risk <= last);
        last = risk;
        let e = explain(&inst, &d, r, s);
        for c in &e.patrol_candidates {
            let t = &inst.teams()[c.team];
            assert_eq!(t.kind, TeamKind::Patrol);
            assert!(t.is_available(s));
            assert!(inst.base_minutes(c.team, r) <= t.reach_minutes.unwrap_or(f64::INFINITY));
            if let Doing::At(l) = c.doing {
                assert_eq!(sched.location(c.team, s), Some(l as u32));
            } else {
                assert_eq!(sched.location(c.team, s), None);
            }
        }
        for c in &e.mobile_candidates {
            let p = c.target.unwrap();
            assert!(inst.post_to_region_minutes(c.team, p, r) <= inst.objective().response_minutes);
        }
    }
    // Nothing ranks that is covered, and the ranking is the riskiest: any cell left out
    // has at most the risk of the last one listed.
    for (r, region) in inst.regions().iter().enumerate() {
        for s in 0..inst.slots() {
            let i = d.cell(r, s);
            if (d.patrols[i] == 0 || !d.c1[i]) && !top.contains(&(r, s)) {
                assert!(region.risk[s] <= last);
            }
        }
    }
}

fn report_html(inst_path: &Path, sched_json_path: &Path, dir: &Path) -> String {
    let out = dir.join("report.html");
    let o = Command::new(bin())
        .arg("report")
        .arg(inst_path)
        .arg(sched_json_path)
        .arg("--out")
        .arg(&out)
        .args(["--bound-time-limit", "0.5"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(&out).unwrap()
}

/// The data the page's script reads.
fn script_data(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/json\" id=\"data\">";
    let a = html.find(open).unwrap() + open.len();
    let b = a + html[a..].find("</script>").unwrap();
    serde_json::from_str(&html[a..b].replace("<\\/", "</")).unwrap()
}

#[test]
fn report_of_infeasible_small_baseline_lists_every_breach_and_shape() {
    let path = data("data/small.json");
    let inst = load(&path);
    let sched = baseline(&inst);
    let eval = evaluate(&inst, &sched);
    assert!(!eval.feasible, "the small baseline has min_patrol breaches");
    let dir = tempfile::tempdir().unwrap();
    let sp = dir.path().join("s.json");
    write_schedule_file(&sp, &to_schedule_file(&inst, &sched, None)).unwrap();
    let html = report_html(&path, &sp, dir.path());

    // Self-contained: no external resources.
    for bad in ["http://", "https://", " src=", "<link", "@import"] {
        assert!(!html.contains(bad), "report refers to {bad}");
    }
    // One shape per region, one circle per post.
    let regions = html.matches("<path data-r=").count() + html.matches("<circle data-r=").count();
    assert_eq!(regions, inst.regions().len());
    let a = html.find("<g id=\"posts\">").unwrap();
    let b = a + html[a..].find("</g>").unwrap();
    assert_eq!(html[a..b].matches("<circle").count(), inst.posts().len());
    // Every breach is a row of the breach table.
    let a = html.find("<section id=\"breaches\">").unwrap();
    let b = a + html[a..].find("</section>").unwrap();
    assert_eq!(
        html[a..b].matches("<tr><td>").count(),
        eval.violations.len()
    );
    assert!(html[a..b].contains(&format!("Breaches ({})", eval.violations.len())));
    // The evaluator's numbers, and a computed bound at least the objective.
    assert!(html.contains(&format!("{:.4}", eval.objective.total)));
    assert!(html.contains("computed for this report"));
    assert!(html.contains("<section id=\"uncovered\">"));
    assert_eq!(html.matches("<div class=\"why\">").count(), 20);

    // The per-slot codes equal the evaluator's counts.
    let (_, d) = evaluate_detailed(&inst, &sched);
    let v = script_data(&html);
    let code = patrolplan::report::html::CODE;
    let pc = v["pc"].as_array().unwrap();
    let rt = v["rt"].as_array().unwrap();
    assert_eq!(pc.len(), inst.regions().len());
    for r in 0..inst.regions().len() {
        let (p, t) = (
            pc[r].as_str().unwrap().as_bytes(),
            rt[r].as_str().unwrap().as_bytes(),
        );
        assert_eq!(p.len(), inst.slots());
        for s in 0..inst.slots() {
            let i = d.cell(r, s);
            assert_eq!(p[s], code[d.patrols[i].min(63) as usize]);
            assert_eq!(t[s], code[d.response_teams[i].min(63) as usize]);
        }
    }
    // Every team appears in exactly one timeline group.
    let mut seen = vec![0; inst.teams().len()];
    for g in v["groups"].as_array().unwrap() {
        for k in g[1].as_array().unwrap() {
            seen[k.as_u64().unwrap() as usize] += 1;
        }
    }
    assert!(seen.iter().all(|&n| n == 1));
}

#[test]
fn report_uses_the_summary_bound_and_the_evaluators_total() {
    let path = data("tests/data/hand.json");
    let dir = tempfile::tempdir().unwrap();
    let sp = dir.path().join("s.json");
    // A summary claiming a wrong total: the report shows the evaluator's and says so.
    let json = r#"{"format": "patrolplan.schedule.v1", "instance": "hand", "teams": [
        {"id": "T1", "shifts": [{"start": 0, "at": ["R1", "R1", "R1", "R1"]}]}],
        "summary": {"bound": 100.0, "objective": {"total": 99.0}}}"#;
    std::fs::write(&sp, json).unwrap();
    let inst = load(&path);
    let sched = read_schedule(&inst, json).unwrap();
    let eval = evaluate(&inst, &sched);
    let html = report_html(&path, &sp, dir.path());
    assert!(html.contains("the schedule&#39;s summary"));
    let gap = (100.0 - eval.objective.total) / 100.0 * 100.0;
    assert!(html.contains(&format!("{gap:.4} %")), "gap {gap}");
    assert!(html.contains(&format!(
        "claims objective 99.0000; the evaluator scores {:.4}",
        eval.objective.total
    )));
}

#[test]
fn explain_on_the_terminal_and_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let sp = dir.path().join("s.json");
    std::fs::write(&sp, HAND_PLAN).unwrap();
    let inst = data("tests/data/hand.json");
    let run = |target: &str| {
        Command::new(bin())
            .arg("evaluate")
            .arg(&inst)
            .arg(&sp)
            .args(["--explain", target])
            .output()
            .unwrap()
    };
    let o = run("R2@3");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("R2"), "{text}");
    assert!(text.contains("T1: patrols R1"), "{text}");
    assert!(
        text.contains("M1: off duty; moving to P1 gains 4.0000"),
        "{text}"
    );
    let o = run("R2");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .matches("at slot ")
            .count(),
        3
    );
    for bad in ["R9@1", "R2@6", "R2@x"] {
        let o = run(bad);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--explain"));
    }
}
