//! Re-planning speed on nanjing (MODEL.md section 9):
//! - move-up for one dispatch with a warm `Replanner` (no improvement phase): criterion
//!   timing, then p50 / p99 / max over 200 dispatches of the time to a feasible re-plan
//!   of the current slot (`Replan::first_feasible`) and of the whole call, each re-plan
//!   checked by the evaluator's section 9 rules outside the timing;
//! - a full re-plan from `now` with a 1 s limit against a cold solve given the same
//!   time: changes and objective (printed).
//!
//! `cargo bench --bench replan` (setup solves nanjing for `REPLAN_BENCH_SOLVE_SECS`, 10 s).

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use patrolplan::events::{parse_events, Events};
use patrolplan::model::TeamKind;
use patrolplan::schedule::{count_changes, evaluate_replan_schedule, objective_from, Schedule};
use patrolplan::{load_instance, Instance, Solver};
use patrolplan::{Replanner, RunSettings};

fn dispatch(inst: &Instance, plan: &Schedule, now: usize, nth: usize) -> Option<Events> {
    let teams: Vec<(usize, usize)> = (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == TeamKind::Mobile)
        .filter_map(|k| {
            plan.shifts[k]
                .iter()
                .find(|sh| sh.start <= now && now < sh.end())
                .map(|sh| (k, sh.end()))
        })
        .collect();
    let &(k, end) = teams.get(nth % teams.len().max(1))?;
    let json = format!(
        r#"{{"format":"patrolplan.events.v1","instance":"{}","now":{now},"events":[{{"type":"dispatched","team":"{}","from":{now},"to":{}}}]}}"#,
        inst.name(),
        inst.teams()[k].id,
        end.min(now + 2)
    );
    Some(parse_events(&json, inst, plan).expect("valid dispatch"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn benches(c: &mut Criterion) {
    let inst = load_instance(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanjing.json")).unwrap();
    let secs: f64 = std::env::var("REPLAN_BENCH_SOLVE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let plan = Solver::new(&inst)
        .seed(1)
        .threads(2)
        .time_limit(Some(Duration::from_secs_f64(secs)))
        .full_assert_every(0)
        .solve()
        .unwrap()
        .schedule;
    // No improvement (an iteration budget of 0 proposals), no bound, no verdict: the
    // time to a feasible re-plan with the move-up. The verdict is given below, outside
    // the timing.
    let fast = RunSettings {
        iterations: Some(0),
        seed: 1,
        bound_share: None,
        ..RunSettings::default()
    };
    let warm = Replanner::new(inst.clone(), plan.clone())
        .with_settings(fast.clone())
        .verify(false);
    let now = 40;
    let events: Vec<Events> = (0..200)
        .filter_map(|i| dispatch(&inst, &plan, now, i))
        .collect();

    let mut i = 0;
    c.bench_function("nanjing/replan_move_up_one_dispatch", |b| {
        b.iter_batched(
            || warm.clone(),
            |mut rp| {
                i += 1;
                rp.apply(&events[i % events.len()]).unwrap().first_feasible
            },
            BatchSize::LargeInput,
        )
    });

    // Latency distribution, each re-plan judged by the evaluator (outside the timing).
    let rules_of = |e: &Events| e.rules(plan.clone());
    let (mut first, mut whole) = (Vec::new(), Vec::new());
    for e in &events {
        let mut rp = warm.clone();
        let t0 = Instant::now();
        let out = rp.apply(e).unwrap();
        whole.push(t0.elapsed().as_secs_f64() * 1e3);
        first.push(out.first_feasible.as_secs_f64() * 1e3);
        let referee = evaluate_replan_schedule(&inst, &out.schedule, &rules_of(e));
        assert!(referee.feasible, "{:?}", referee.violations.first());
    }
    first.sort_by(f64::total_cmp);
    whole.sort_by(f64::total_cmp);
    println!(
        "move-up, {} dispatches at slot {now}: first feasible p50 {:.3} ms p99 {:.3} ms max {:.3} ms; whole call p50 {:.3} ms p99 {:.3} ms max {:.3} ms",
        events.len(),
        percentile(&first, 0.5),
        percentile(&first, 0.99),
        first[first.len() - 1],
        percentile(&whole, 0.5),
        percentile(&whole, 0.99),
        whole[whole.len() - 1]
    );

    // A full re-plan from now with 1 s, against a cold solve given the same second.
    let e = &events[0];
    let updated = e.apply(&inst).unwrap();
    let rules = e.rules(plan.clone());
    let mut rp = Replanner::new(inst.clone(), plan.clone()).with_settings(RunSettings {
        time_limit: Some(Duration::from_secs(1)),
        iterations: None,
        ..fast
    });
    let full = rp.apply(e).unwrap();
    assert!(evaluate_replan_schedule(&updated, &full.schedule, &rules).feasible);
    let cold = Solver::new(&updated)
        .seed(1)
        .threads(2)
        .time_limit(Some(Duration::from_secs(1)))
        .full_assert_every(0)
        .solve()
        .unwrap()
        .schedule;
    let cold_eval = evaluate_replan_schedule(&updated, &cold, &rules);
    let (cold_changes, cold_teams) = count_changes(&updated, &rules, &cold);
    println!(
        "full re-plan from slot {now}, 1 s: {} changes in {} teams ({} relocations, {} re-timings accepted in {} proposals), objective from now on {:.3} (old plan {:.3}); cold solve 1 s: {} changes in {} teams, objective from now on {:.3}, {} section 9 breaches",
        full.changes,
        full.changed_teams.len(),
        full.improve.relocations,
        full.improve.retimes,
        full.improve.iterations,
        full.objective_after.total,
        full.objective_before.total,
        cold_changes,
        cold_teams.len(),
        objective_from(&updated, &cold, now).total,
        cold_eval.violations.len()
    );
}

criterion_group! {
    name = replan;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(replan);
