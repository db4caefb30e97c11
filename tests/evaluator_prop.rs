//! Random schedules (valid ids, random shifts that may break any rule, run past the
//! horizon or overlap) never make the evaluator panic, and its parts always add up.

use patrolplan::schedule::{
    evaluate, read_schedule, schedule_file_json, to_schedule_file, Schedule, Shift,
};
use patrolplan::Instance;
use proptest::prelude::*;

fn instances() -> Vec<Instance> {
    vec![
        Instance::from_json(include_str!("data/eval_matrix.json")).unwrap(),
        Instance::from_json(include_str!("data/hand.json")).unwrap(),
    ]
}

/// Per team: up to three shifts `(start, locations)`, locations as raw numbers reduced
/// modulo the team's number of locations.
type RawPlan = Vec<Vec<(usize, Vec<u32>)>>;

fn raw_plan() -> impl Strategy<Value = RawPlan> {
    prop::collection::vec(
        prop::collection::vec((0usize..10, prop::collection::vec(0u32..100, 1..6)), 0..4),
        6,
    )
}

fn to_schedule(inst: &Instance, raw: &RawPlan) -> Schedule {
    let mut s = Schedule::empty(inst);
    for (k, team) in inst.teams().iter().enumerate() {
        let n = inst.nodes(team.kind).len() as u32;
        s.shifts[k] = raw[k]
            .iter()
            .map(|(start, at)| Shift {
                start: *start,
                at: at.iter().map(|l| l % n).collect(),
            })
            .collect();
    }
    s
}

proptest! {
    #[test]
    fn parts_add_up_and_nothing_panics(raw in raw_plan(), which in 0usize..2) {
        let inst = &instances()[which];
        let schedule = to_schedule(inst, &raw);
        let e = evaluate(inst, &schedule);
        let o = e.objective;
        prop_assert!((o.total - (o.presence + o.response + o.backup)).abs() < 1e-9);
        prop_assert!(o.presence >= 0.0 && o.response >= 0.0 && o.backup >= 0.0);
        prop_assert_eq!(e.feasible, e.violations.is_empty());
        for share in [e.kpis.meeting_rate, e.kpis.risk_coverage, e.kpis.response_coverage, e.kpis.backup_coverage]
            .into_iter()
            .flatten()
        {
            prop_assert!((0.0..=1.0 + 1e-12).contains(&share));
        }
        // The file form reads back to the same plan and the same verdict.
        let text = schedule_file_json(&to_schedule_file(inst, &schedule, None));
        let back = read_schedule(inst, &text).unwrap();
        prop_assert_eq!(&back, &schedule);
        prop_assert_eq!(evaluate(inst, &back), e);
    }
}
