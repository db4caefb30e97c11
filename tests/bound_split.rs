//! The slot split (`bound::slot_split`, the mobile side of the large Lagrangian for a
//! few teams) against proven optima, and its gain on the small preset.
//!
//! Validity: on the mobile side of every instance of the irregular tiny family and of
//! the tiny preset (patrol teams and `min_patrol` removed, so the mobile teams are the
//! whole instance), the split's bound is at least the optimum the exact branch and
//! bound proves (the exact path is itself checked against exhaustive search, the MIP
//! and CP-SAT in tests/exact.rs and tests/exact_family.rs). Strength: on the small
//! preset's mobile side the covering relaxation alone stood at 60.69 for seed 1 (its
//! converged value); the split must be below 59.5 and at least the baseline's cover.

use std::time::{Duration, Instant};

use patrolplan::bound::exact::{solve_exact, ExactOptions};
use patrolplan::bound::lagrangian::Until;
use patrolplan::bound::slot_split::{split_bound, MAX_EVALUATIONS};
use patrolplan::model::TeamKind;
use patrolplan::schedule::evaluate;
use patrolplan::Instance;

/// `inst` with its patrol teams and requirements removed (`None` without mobile teams).
fn mobile_side(inst: &Instance) -> Option<Instance> {
    let mut file = inst.to_file();
    file.teams.retain(|t| t.kind == TeamKind::Mobile);
    if file.teams.is_empty() {
        return None;
    }
    for r in &mut file.regions {
        r.min_patrol.clear();
    }
    Some(Instance::from_file(&file).expect("still valid"))
}

fn until() -> Until<'static> {
    Until {
        deadline: Instant::now() + Duration::from_secs(600),
        cancelled: &|| false,
    }
}

#[test]
fn the_split_bound_is_at_least_the_proven_optimum_of_tiny_mobile_sides() {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["tests/data/irregular", "tests/data/tiny_preset"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("tiny-") && name.ends_with(".json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut checked, mut below_trivial) = (0, 0);
    for f in &files {
        let inst = patrolplan::load_instance(f).unwrap();
        let Some(side) = mobile_side(&inst) else {
            continue;
        };
        let teams: Vec<usize> = (0..side.teams().len()).collect();
        let Some(b) = split_bound(&side, &teams, 0.0, until(), MAX_EVALUATIONS) else {
            continue;
        };
        let exact = solve_exact(
            &side,
            None,
            &ExactOptions {
                time_limit: Duration::from_secs(20),
                clock_free: true,
                ..ExactOptions::default()
            },
        );
        assert!(exact.proven_optimal, "{f:?}: the exact path did not prove");
        let opt = exact.objective.expect("an empty plan is feasible");
        assert!(
            b >= opt * (1.0 - 1e-9) - 1e-9,
            "{f:?}: split {b} < proven optimum {opt}"
        );
        let trivial = patrolplan::bound::compute_bound(
            &side,
            &patrolplan::bound::BoundOptions {
                time_limit: Duration::from_secs(10),
                method: Some(patrolplan::bound::BoundMethod::Trivial),
            },
        )
        .unwrap()
        .bound;
        if b < trivial * (1.0 - 1e-6) {
            below_trivial += 1;
        }
        checked += 1;
    }
    assert!(checked >= 55, "only {checked} mobile sides checked");
    // It is not the trivial bound in disguise.
    assert!(
        below_trivial * 2 >= checked,
        "{below_trivial} of {checked} below trivial"
    );
}

#[test]
fn the_split_cuts_into_the_small_presets_mobile_gap() {
    let inst = Instance::from_file_owned(patrolplan::generate::generate(
        patrolplan::generate::Preset::Small,
        1,
    ))
    .unwrap();
    let side = mobile_side(&inst).unwrap();
    let teams: Vec<usize> = (0..side.teams().len()).collect();
    let b = split_bound(&side, &teams, 0.0, until(), MAX_EVALUATIONS).expect("8 teams fit");
    let base = patrolplan::construct::baseline::baseline(&side);
    let eval = evaluate(&side, &base);
    assert!(eval.feasible);
    assert!(
        b >= eval.objective.total,
        "{b} < baseline {}",
        eval.objective.total
    );
    assert!(
        b < 59.5,
        "{b}: no better than the covering relaxation (60.69)"
    );
}
