//! The baseline of every shipped preset keeps every hard rule except, where no
//! professional team is free (work limits), `min_patrol`; and it re-reads from its file.

use patrolplan::construct::baseline;
use patrolplan::model::load_instance;
use patrolplan::schedule::{evaluate, read_schedule, schedule_file_json, to_schedule_file, Rule};

#[test]
fn preset_baselines_break_nothing_but_min_patrol() {
    for name in ["tiny", "small", "nanjing"] {
        let path = format!("{}/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let inst = load_instance(&path).unwrap();
        let s = baseline(&inst);
        let e = evaluate(&inst, &s);
        let other: Vec<_> = e
            .violations
            .iter()
            .filter(|v| v.rule != Rule::MinPatrol)
            .collect();
        assert!(other.is_empty(), "{name}: {other:?}");
        assert!(e.objective.total > 0.0);
        let back = read_schedule(
            &inst,
            &schedule_file_json(&to_schedule_file(&inst, &s, None)),
        )
        .unwrap();
        assert_eq!(evaluate(&inst, &back), e);
    }
}
