//! The hand-made baseline: keeps the hard rules it can, ignores risk and footfall, is
//! deterministic, and its repairs do what `docs/baseline.md` says.

use patrolplan::construct::baseline;
use patrolplan::schedule::{evaluate, Rule};
use patrolplan::Instance;
use serde_json::{json, Value};

fn load(v: &Value) -> Instance {
    Instance::from_json(&v.to_string()).unwrap()
}

fn matrix() -> Value {
    serde_json::from_str(include_str!("data/eval_matrix.json")).unwrap()
}

/// A day of 24 one-hour slots, three regions on a line ~1.9 km apart (A, B, C), two
/// posts, three professional teams based at A, one volunteer based at C (available
/// 8..18), two mobile teams, and a night-time requirement in B that no crew's home covers.
fn day() -> Value {
    json!({
        "format": "patrolplan.instance.v1", "name": "day",
        "horizon": { "slot_minutes": 60, "slots": 24 },
        "regions": [
            { "id": "A", "location": [118.00, 32.0], "risk": 1 },
            { "id": "B", "location": [118.02, 32.0], "risk": 1, "min_patrol": [{ "from": 2, "to": 4, "teams": 1 }] },
            { "id": "C", "location": [118.04, 32.0], "risk": 1 }
        ],
        "posts": [{ "id": "P", "location": [118.01, 32.0] }, { "id": "Q", "location": [118.03, 32.0] }],
        "shift_rules": { "std": { "min_shift_slots": 2, "max_shift_slots": 8, "min_rest_slots": 2,
                                  "max_work_slots": 24, "max_hop_minutes": 30 } },
        "teams": [
            { "id": "T1", "kind": "patrol", "members": 5, "base": "A", "speed_kmh": 5, "rules": "std" },
            { "id": "T2", "kind": "patrol", "members": 5, "base": "A", "speed_kmh": 5, "rules": "std" },
            { "id": "T3", "kind": "patrol", "members": 5, "base": "A", "speed_kmh": 5, "rules": "std" },
            { "id": "V1", "kind": "patrol", "volunteer": true, "members": 5, "base": "C", "speed_kmh": 5,
              "effectiveness": 0.5, "rules": "std", "available": [[8, 18]] },
            { "id": "M1", "kind": "mobile", "members": 6, "base": "P", "speed_kmh": 30, "rules": "std" },
            { "id": "M2", "kind": "mobile", "members": 6, "base": "P", "speed_kmh": 30, "rules": "std" }
        ]
    })
}

#[test]
fn baseline_is_feasible_on_small_instances() {
    for v in [matrix(), day()] {
        let inst = load(&v);
        let e = evaluate(&inst, &baseline(&inst));
        assert!(e.feasible, "{}: {:?}", inst.name(), e.violations);
        assert!(e.objective.total > 0.0);
    }
}

#[test]
fn rotation_nearest_post_and_repairs() {
    let inst = load(&day());
    let s = baseline(&inst);
    let id = |k: usize| inst.teams()[k].id.as_str();
    // Three crews by team index: T1 06-14, T2 14-22, T3 22-06 (clipped to 0..6 and 22..24).
    let starts = |k: usize| {
        s.shifts[k]
            .iter()
            .map(|sh| (sh.start, sh.at.len()))
            .collect::<Vec<_>>()
    };
    assert!(starts(0).contains(&(6, 8)), "{}: {:?}", id(0), starts(0));
    assert!(starts(1).contains(&(14, 8)), "{}: {:?}", id(1), starts(1));
    assert_eq!(starts(2), vec![(0, 6), (22, 2)]);
    // Patrol teams stand in the region nearest their base (A = 0) ...
    assert!(s.shifts[2].iter().all(|sh| sh.at.iter().all(|&l| l == 0)));
    // ... except the min_patrol repair: B (index 1) needs a team in slots 2, 3; all three
    // are equally near, so T1 is tried first: [0, 4) is its longest shift covering slot 2
    // that still leaves 2 rest slots before its 6-14 shift (4 + 2 <= 6; length 5 from
    // start 0 or later would end after slot 4).
    assert!(
        starts(0) == vec![(0, 4), (6, 8)] && s.location(0, 2) == Some(1),
        "{:?}",
        starts(0)
    );
    let b_cover: Vec<usize> = (2..4)
        .map(|t| (0..3).filter(|&k| s.location(k, t) == Some(1)).count())
        .collect();
    assert_eq!(b_cover, vec![1, 1]);
    // The volunteer (home C, no professional there) moves whole to the nearest region with a
    // professional in every slot of its shift.
    for sh in &s.shifts[3] {
        for (i, &r) in sh.at.iter().enumerate() {
            let t = sh.start + i;
            assert!(
                (0..3).any(|k| s.location(k, t) == Some(r)),
                "volunteer alone at slot {t}"
            );
        }
    }
    // Mobile teams based at P stand at P; M1 (06-14) and M2 (14-22) never meet there.
    assert!(s.shifts[4].iter().all(|sh| sh.at.iter().all(|&p| p == 0)));
    assert!(s.shifts[5].iter().all(|sh| sh.at.iter().all(|&p| p == 0)));
    assert_eq!(starts(5), vec![(14, 8)]);
}

#[test]
fn baseline_does_not_look_at_risk_or_footfall() {
    let mut other = day();
    for (i, r) in other["regions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        r["risk"] = json!((0..24)
            .map(|s| ((s * 7 + i * 3) % 5) as f64)
            .collect::<Vec<_>>());
        r["footfall"] = json!(1000.0 * (i + 1) as f64);
    }
    let (a, b) = (load(&day()), load(&other));
    assert_eq!(baseline(&a), baseline(&b));
    assert_eq!(baseline(&a), baseline(&a), "deterministic");
}

#[test]
fn unescorted_volunteer_is_dropped_when_no_professional_works() {
    let mut v = day();
    v["objective"] = json!({ "volunteers_need_professional": true });
    // Professionals unavailable all day: only the volunteer and the mobile teams work.
    for k in 0..3 {
        v["teams"][k]["available"] = json!([[0, 1]]);
    }
    v["regions"][1]["min_patrol"] = json!([]);
    let inst = load(&v);
    let s = baseline(&inst);
    assert!(s.shifts[3].is_empty(), "{:?}", s.shifts[3]);
    let e = evaluate(&inst, &s);
    assert!(
        e.violations.iter().all(|x| x.rule != Rule::VolunteerEscort),
        "{:?}",
        e.violations
    );
    // Without the escort rule the volunteer keeps its shifts.
    v["objective"] = json!({ "volunteers_need_professional": false });
    let inst = load(&v);
    assert!(!baseline(&inst).shifts[3].is_empty());
}

#[test]
fn full_post_sends_the_next_team_to_the_next_nearest_post() {
    let mut v = day();
    // M2 in the same crew as M1: P (capacity 1) is taken, Q is the next nearest.
    v["teams"][5]["available"] = json!([[6, 14]]);
    let inst = load(&v);
    let s = baseline(&inst);
    assert_eq!(s.shifts[4][0].at[0], 0);
    assert_eq!(s.shifts[5][0].at[0], 1);
    assert!(evaluate(&inst, &s).feasible);
}
