//! Known-answer tests of the evaluator, every number computed by hand from MODEL.md
//! section 5 on `tests/data/eval_matrix.json`:
//!
//! - 4 slots of 60 min; regions R1, R2, R3; posts P1, P2 (capacity 1); matrix travel:
//!   R1-R2 3, R1-R3 20, R2-R3 20, P1->R1 5.0, P1->R2 5.000001, P1->R3 10.0,
//!   P2->R1 10.0, P2->R2 10.0, P2->R3 12, P1-P2 4;
//! - risk R1 [1,2,3,4], R2 1, R3 2 (sum 22); footfall R1 10, R2 0, R3 [0,0,0,30] (sum 70);
//! - R1 needs 1 patrol team in slots 0..2;
//! - T1 patrol eff 1.0 base R1 reach 10 (5 members, standard rules 1..=4 slots, rest 1,
//!   work 4, hop 15); T2 patrol eff 0.5 (4 members, "pair": exactly 2 slots, work 2);
//!   V1 volunteer eff 0.5 (3 members, "vol": 1..=2 slots, work 2); M1, M2, M3 mobile
//!   (6 members each), M2 available only in slots 0..2;
//! - default objective: marginals [1, 0.5, 0.25] (G = 1.75), risk_weight 1,
//!   footfall_weight 0.2, response 5 min weight 1, backup 10 min weight 0.3,
//!   deterrence 0.25.

use patrolplan::schedule::{
    evaluate, evaluate_input, read_schedule, read_schedule_input, Evaluation, Rule, Shift,
};
use patrolplan::Instance;

fn instance() -> Instance {
    Instance::from_json(include_str!("data/eval_matrix.json")).unwrap()
}

fn eval(teams: &str) -> Evaluation {
    let inst = instance();
    let json = format!(
        r#"{{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":{teams}}}"#
    );
    evaluate_input(&inst, &read_schedule_input(&inst, &json).unwrap())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The feasible reference schedule used by the known-answer tests.
const FEASIBLE: &str = r#"[
    {"id":"T1","shifts":[{"start":0,"at":["R1","R1","R1","R1"]}]},
    {"id":"T2","shifts":[{"start":0,"at":["R1","R2"]}]},
    {"id":"V1","shifts":[{"start":1,"at":["R2"]}]},
    {"id":"M1","shifts":[{"start":0,"at":["P1","P1"]}]},
    {"id":"M2","shifts":[{"start":0,"at":["P2"]}]}]"#;

#[test]
fn objective_of_the_feasible_schedule_by_hand() {
    let e = eval(FEASIBLE);
    assert!(e.feasible, "{:?}", e.violations);
    assert!(e.violations.is_empty());
    // Footfall rescaled: f = footfall * 22 / 70, so R1 gets 0.2 * 10 * 22/70 = 4.4/7 extra
    // weight per slot; R2 and R3 (footfall 0 in slots 0..3) get none.
    // P[R1] = [1.0 + 0.5, 1, 1, 1] -> g = [1 + 0.5*0.5, 1, 1, 1] = [1.25, 1, 1, 1];
    // P[R2] = [0, 0.5 + 0.5, 0, 0] -> g = [0, 1, 0, 0]; P[R3] = 0.
    // presence = 1.25*(1 + 4.4/7) + (2 + 4.4/7) + (3 + 4.4/7) + (4 + 4.4/7) + 1*1
    //          = 11.25 + 4.25 * 4.4/7 = 13.921428571428...
    let presence = 11.25 + 4.25 * 4.4 / 7.0;
    assert!(
        close(e.objective.presence, presence),
        "{}",
        e.objective.presence
    );
    // C1: only P1->R1 (exactly 5.0) is within 5; M1 stands at P1 in slots 0, 1
    // (P1->R2 is 5.000001: out). response = 1 * (risk R1[0] + R1[1]) = 1 + 2 = 3.
    assert!(close(e.objective.response, 3.0), "{}", e.objective.response);
    // C2 in slot 0: M1 (P1) reaches R1 5, R2 5.000001, R3 10.0; M2 (P2) reaches R1 10,
    // R2 10, R3 12 (out). Two distinct teams at R1 and R2 -> backup = 0.3 * (1 + 1).
    // Slot 1 has only M1: no backup.
    assert!(close(e.objective.backup, 0.6), "{}", e.objective.backup);
    assert!(close(e.objective.total, presence + 3.0 + 0.6));
}

#[test]
fn kpis_of_the_feasible_schedule_by_hand() {
    let k = eval(FEASIBLE).kpis;
    // Patrolled region-slots: R1 in every slot, R2 in slot 1.
    // meeting_rate uses raw footfall: (4 * 10) / (40 + 30) = 4/7.
    assert!(close(k.meeting_rate.unwrap(), 4.0 / 7.0));
    // risk_coverage = (1+2+3+4 + 1) / 22 = 0.5.
    assert!(close(k.risk_coverage.unwrap(), 0.5));
    assert!(close(k.response_coverage.unwrap(), 3.0 / 22.0));
    assert!(close(k.backup_coverage.unwrap(), 2.0 / 22.0));
    // incidents = sum risk * (1 - 0.25 * g / 1.75) = 22 - (1/7) * sum risk * g
    //           = 22 - (1*1.25 + 2 + 3 + 4 + 1*1) / 7 = 22 - 11.25/7.
    assert!(close(
        k.expected_preventable_incidents.unwrap(),
        22.0 - 11.25 / 7.0
    ));
    // hours: professional 5*4 + 4*2 = 28, volunteer 3*1 = 3, mobile 6*2 + 6*1 = 18.
    assert!(close(k.personnel_hours.patrol_professional, 28.0));
    assert!(close(k.personnel_hours.volunteer, 3.0));
    assert!(close(k.personnel_hours.mobile, 18.0));
    // utilisation: professional 6/8, volunteer 1/4, mobile 3/(4+2+4).
    assert!(close(k.utilisation.patrol_professional.unwrap(), 0.75));
    assert!(close(k.utilisation.volunteer.unwrap(), 0.25));
    assert!(close(k.utilisation.mobile.unwrap(), 0.3));
    // spread: professional [4, 2]; mobile [2, 1, 0].
    let p = k.worked_slots_spread.patrol_professional.unwrap();
    assert_eq!((p.min, p.median, p.max), (2.0, 3.0, 4.0));
    let m = k.worked_slots_spread.mobile.unwrap();
    assert_eq!((m.min, m.median, m.max), (0.0, 1.0, 2.0));
}

#[test]
fn presence_value_is_concave_in_fractional_effectiveness() {
    // T2 (0.5) alone in R2 at slot 0: g(0.5) = 0.5; w[R2,0] = 1 -> presence 0.5.
    let e = eval(r#"[{"id":"T2","shifts":[{"start":0,"at":["R2","R2"]}]}]"#);
    // slot 1 also 0.5: presence = 0.5 + 0.5 = 1.
    assert!(close(e.objective.presence, 1.0), "{}", e.objective.presence);
    // T1 + T2 + V1 in R2 at slot 1: P = 2.0 -> g = 1 + 0.5 = 1.5; slot 0 T1 + T2: 1.5 -> 1.25.
    let e = eval(
        r#"[{"id":"T1","shifts":[{"start":0,"at":["R2","R2"]}]},
            {"id":"T2","shifts":[{"start":0,"at":["R2","R2"]}]},
            {"id":"V1","shifts":[{"start":1,"at":["R2"]}]}]"#,
    );
    assert!(
        close(e.objective.presence, 1.25 + 1.5),
        "{}",
        e.objective.presence
    );
    // incidents: R2 risk 1: 1*(1 - 0.25*1.25/1.75) + 1*(1 - 0.25*1.5/1.75) + rest 22 - 2.
    let k = e.kpis.expected_preventable_incidents.unwrap();
    assert!(close(k, 20.0 + 2.0 - 0.25 * (1.25 + 1.5) / 1.75), "{k}");
}

#[test]
fn backup_needs_two_distinct_teams_and_counts_both_at_one_post() {
    // M1 and M3 both at P1 in slot 0 (a post_capacity breach, but scored): R1 (5), R2
    // (5.000001) and R3 (10.0, exactly the standard) have two distinct teams within 10.
    // backup = 0.3 * (1 + 1 + 2) = 1.2. response: R1 only = 1.
    let e = eval(
        r#"[{"id":"M1","shifts":[{"start":0,"at":["P1"]}]},
            {"id":"M3","shifts":[{"start":0,"at":["P1"]}]}]"#,
    );
    assert!(close(e.objective.backup, 1.2), "{}", e.objective.backup);
    assert!(close(e.objective.response, 1.0), "{}", e.objective.response);
    // (R1 has no patrol: two min_patrol breaches besides the capacity one.)
    let rules: Vec<Rule> = e.violations.iter().map(|v| v.rule).collect();
    assert_eq!(
        rules,
        vec![Rule::MinPatrol, Rule::MinPatrol, Rule::PostCapacity]
    );
    // One team listed twice in one slot (overlapping shifts) is still one team.
    let e = eval(r#"[{"id":"M1","shifts":[{"start":0,"at":["P1"]},{"start":0,"at":["P2"]}]}]"#);
    assert!(close(e.objective.backup, 0.0), "{}", e.objective.backup);
    assert!(e.violations.iter().any(|v| v.rule == Rule::Rest));
}

#[test]
fn thresholds_are_inclusive_with_each_teams_own_speed() {
    // Haversine: post and region 0.01 deg of latitude apart = 1.111949 km (detour 1).
    // At 20 km/h: 3.3358 min (within 5); at 10 km/h: 6.6717 min (within 10 only);
    // at 5 km/h: 13.34 min (beyond 10).
    let inst = Instance::from_json(
        r#"{"format":"patrolplan.instance.v1","name":"speeds","horizon":{"slot_minutes":60,"slots":1},
        "travel":{"model":"haversine","detour_factor":1.0},
        "regions":[{"id":"R","location":[0.0,0.01],"risk":1}],
        "posts":[{"id":"P","location":[0.0,0.0],"capacity":3}],
        "shift_rules":{"s":{"min_shift_slots":1,"max_shift_slots":1,"min_rest_slots":1,"max_work_slots":1,"max_hop_minutes":1}},
        "teams":[{"id":"FAST","kind":"mobile","members":1,"base":"P","speed_kmh":20,"rules":"s"},
                 {"id":"MID","kind":"mobile","members":1,"base":"P","speed_kmh":10,"rules":"s"},
                 {"id":"SLOW","kind":"mobile","members":1,"base":"P","speed_kmh":5,"rules":"s"}]}"#,
    )
    .unwrap();
    let run = |ids: &[&str]| {
        let teams: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"id":"{id}","shifts":[{{"start":0,"at":["P"]}}]}}"#))
            .collect();
        let json = format!(
            r#"{{"format":"patrolplan.schedule.v1","instance":"speeds","teams":[{}]}}"#,
            teams.join(",")
        );
        evaluate(&inst, &read_schedule(&inst, &json).unwrap()).objective
    };
    assert!(close(run(&["FAST"]).response, 1.0));
    assert!(close(run(&["MID"]).response, 0.0));
    assert!(close(run(&["MID", "SLOW"]).response, 0.0));
    assert!(
        close(run(&["MID", "SLOW"]).backup, 0.0),
        "SLOW is 13.3 min away"
    );
    assert!(close(run(&["MID", "FAST"]).backup, 0.3));
}

/// A breach as (rule, team, slot).
type Breach<'a> = (Rule, Option<&'a str>, Option<usize>);

/// The breaches of a schedule.
fn breaches(e: &Evaluation) -> Vec<Breach<'_>> {
    e.violations
        .iter()
        .map(|v| (v.rule, v.team.as_deref(), v.slot))
        .collect()
}

const T1_ALL_DAY: &str = r#"{"id":"T1","shifts":[{"start":0,"at":["R1","R1","R1","R1"]}]}"#;

fn with_t1(extra: &str) -> Evaluation {
    eval(&format!("[{T1_ALL_DAY},{extra}]"))
}

#[test]
fn each_rule_is_reported_alone_with_team_and_slot() {
    let cases: Vec<(&str, Vec<Breach>)> = vec![
        (
            r#"{"id":"M2","shifts":[{"start":2,"at":["P2"]}]}"#,
            vec![(Rule::Availability, Some("M2"), Some(2))],
        ),
        (
            r#"{"id":"M1","shifts":[{"start":3,"at":["P1","P1"]}]}"#,
            vec![(Rule::Availability, Some("M1"), Some(4))],
        ),
        (
            r#"{"id":"T2","shifts":[{"start":0,"at":["R1"]}]}"#,
            vec![(Rule::ShiftLength, Some("T2"), Some(0))],
        ),
        (
            r#"{"id":"M1","shifts":[{"start":0,"at":["P1"]},{"start":1,"at":["P1"]}]}"#,
            vec![(Rule::Rest, Some("M1"), Some(1))],
        ),
        (
            r#"{"id":"M1","shifts":[{"start":2,"at":["P1"]},{"start":0,"at":["P1"]}]}"#,
            vec![(Rule::Rest, Some("M1"), Some(0))],
        ),
        (
            r#"{"id":"V1","shifts":[{"start":0,"at":["R1"]},{"start":2,"at":["R1","R1"]}]}"#,
            vec![(Rule::WorkLimit, Some("V1"), Some(3))],
        ),
        (
            r#"{"id":"T2","shifts":[{"start":0,"at":["R1","R3"]}]}"#,
            vec![(Rule::Hop, Some("T2"), Some(1))],
        ),
        (
            r#"{"id":"M1","shifts":[{"start":0,"at":["P1"]}]},{"id":"M3","shifts":[{"start":0,"at":["P1"]}]}"#,
            vec![(Rule::PostCapacity, None, Some(0))],
        ),
        (
            r#"{"id":"V1","shifts":[{"start":0,"at":["R2"]}]}"#,
            vec![(Rule::VolunteerEscort, Some("V1"), Some(0))],
        ),
        (
            r#"{"id":"X9","shifts":[{"start":0,"at":["R1"]}]}"#,
            vec![(Rule::LocationKind, Some("X9"), Some(0))],
        ),
    ];
    for (extra, expected) in cases {
        let e = with_t1(extra);
        assert!(!e.feasible, "{extra}");
        assert_eq!(breaches(&e), expected, "{extra}: {:?}", e.violations);
    }
    // reach: T1 from base R1 to R3 is 20 > reach_minutes 10 (R1 still patrolled in 0..2).
    let e =
        eval(r#"[{"id":"T1","shifts":[{"start":0,"at":["R1","R1"]},{"start":3,"at":["R3"]}]}]"#);
    assert_eq!(
        breaches(&e),
        vec![(Rule::Reach, Some("T1"), Some(3))],
        "{:?}",
        e.violations
    );
    // min_patrol: nobody in R1 in slots 0 and 1.
    let e = eval("[]");
    assert_eq!(
        breaches(&e),
        vec![
            (Rule::MinPatrol, None, Some(0)),
            (Rule::MinPatrol, None, Some(1))
        ]
    );
    assert_eq!(e.violations[0].location.as_deref(), Some("R1"));
    // location_kind: a post for a patrol team, an unknown id; hop is not judged across them.
    let e = eval(r#"[{"id":"T1","shifts":[{"start":0,"at":["R1","R1","P1","R9"]}]}]"#);
    assert_eq!(
        breaches(&e),
        vec![
            (Rule::LocationKind, Some("T1"), Some(2)),
            (Rule::LocationKind, Some("T1"), Some(3))
        ],
        "{:?}",
        e.violations
    );
    assert_eq!(e.violations[0].location.as_deref(), Some("P1"));
    assert!(
        e.violations[0].detail.contains("is a post"),
        "{}",
        e.violations[0].detail
    );
    // The objective is still computed from the locations given: R1 slots 0, 1 at g(1) = 1,
    // weights 1 + 4.4/7 and 2 + 4.4/7.
    assert!(
        close(e.objective.presence, 3.0 + 2.0 * 4.4 / 7.0),
        "{}",
        e.objective.presence
    );
}

#[test]
fn unresolved_sentinel_in_memory_is_a_location_kind_breach() {
    let inst = instance();
    let mut s = read_schedule(&inst, &format!(r#"{{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":[{T1_ALL_DAY}]}}"#)).unwrap();
    assert!(evaluate(&inst, &s).feasible);
    s.shifts[0][0].at[3] = Shift::UNRESOLVED;
    let e = evaluate(&inst, &s);
    assert_eq!(
        breaches(&e),
        vec![(Rule::LocationKind, Some("T1"), Some(3))]
    );
}

#[test]
fn a_location_of_the_other_kind_is_also_judged_for_reach() {
    // T1 (base R1) with reach 8: P1 is 5 minutes away, P2 10. Listing posts for a patrol
    // team breaks location_kind at both, and reach at P2 (every breach is listed).
    let mut raw: serde_json::Value =
        serde_json::from_str(include_str!("data/eval_matrix.json")).unwrap();
    raw["teams"][0]["reach_minutes"] = serde_json::json!(8);
    let inst = Instance::from_json(&raw.to_string()).unwrap();
    let json = r#"{"format":"patrolplan.schedule.v1","instance":"eval-matrix","teams":[
        {"id":"T1","shifts":[{"start":0,"at":["R1","R1","P1","P2"]}]}]}"#;
    let e = evaluate_input(&inst, &read_schedule_input(&inst, json).unwrap());
    let mut found = breaches(&e);
    found.sort_by_key(|b| (b.2, b.0));
    assert_eq!(
        found,
        vec![
            (Rule::LocationKind, Some("T1"), Some(2)),
            (Rule::Reach, Some("T1"), Some(3)),
            (Rule::LocationKind, Some("T1"), Some(3)),
        ],
        "{:?}",
        e.violations
    );
    let reach = e.violations.iter().find(|v| v.rule == Rule::Reach).unwrap();
    assert_eq!(reach.location.as_deref(), Some("P2"));
}
