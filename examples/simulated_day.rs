//! A simulated day of dispatch on nanjing: the week is solved, then 60 events of day 2
//! (mobile-team dispatches, 5 patrol drop-outs, 3 reserves called in, 3 new
//! requirements, risk spikes) are applied one by one by a warm `Replanner`. Per event it
//! prints the latency, the changes and the objective from `now` on, and the evaluator
//! judges the re-plan by MODEL.md section 9 after every event.
//!
//! `cargo run --release --example simulated_day -- [SOLVE_SECONDS] [REPLAN_MS]`
//! (defaults 20 s and 50 ms).

use std::time::{Duration, Instant};

use patrolplan::events::parse_events;
use patrolplan::model::TeamKind;
use patrolplan::schedule::{evaluate_replan_schedule, Schedule};
use patrolplan::{load_instance, Instance, Solver};
use patrolplan::{Replanner, RunSettings};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Teams of `kind` whose shift covers `now`, with the shift's end.
fn on_duty(inst: &Instance, plan: &Schedule, kind: TeamKind, now: usize) -> Vec<(usize, usize)> {
    (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == kind && !inst.teams()[k].volunteer)
        .filter_map(|k| {
            plan.shifts[k]
                .iter()
                .find(|sh| sh.start <= now && now < sh.end())
                .map(|sh| (k, sh.end()))
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().map_or(Ok(20.0), |a| a.parse())?;
    let replan_ms: u64 = args.next().map_or(Ok(50), |a| a.parse())?;
    let inst = load_instance(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanjing.json"))?;
    let t0 = Instant::now();
    let plan = Solver::new(&inst)
        .seed(1)
        .threads(2)
        .time_limit(Some(Duration::from_secs_f64(secs)))
        .full_assert_every(0)
        .solve()?;
    println!(
        "nanjing solved in {:.1} s: objective {:.3}",
        t0.elapsed().as_secs_f64(),
        plan.objective.total
    );

    // 60 events of day 2 (slots 24..48): 5 drop-outs, 3 reserves, 3 requirements,
    // 6 risk spikes, the rest dispatches; `now` advances through the day.
    let mut kinds: Vec<&str> = Vec::new();
    kinds.extend(["unavailable"; 5]);
    kinds.extend(["available"; 3]);
    kinds.extend(["requirement"; 3]);
    kinds.extend(["risk"; 6]);
    while kinds.len() < 60 {
        kinds.push("dispatched");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for i in (1..kinds.len()).rev() {
        let j = rng.random_range(0..=i);
        kinds.swap(i, j);
    }
    let mut rp = Replanner::new(inst.clone(), plan.schedule).with_settings(RunSettings {
        time_limit: Some(Duration::from_millis(replan_ms)),
        seed: 1,
        bound_share: None,
        ..RunSettings::default()
    });
    let slots = inst.slots();
    let (mut latencies, mut total_changes, mut infeasible) = (Vec::new(), 0usize, 0usize);
    let mut firsts = Vec::new();
    println!("event  now  type         latency_ms  first_ms  changes  move_ups  retimes  objective_from_now  before  total");
    for (i, kind) in kinds.iter().enumerate() {
        let now = 30 + i * 16 / kinds.len();
        let cur = rp.instance().clone();
        let prev = rp.schedule().clone();
        let event = match *kind {
            "dispatched" => {
                let on = on_duty(&cur, &prev, TeamKind::Mobile, now);
                let (k, end) = on[rng.random_range(0..on.len())];
                format!(
                    r#"{{"type":"dispatched","team":"{}","from":{now},"to":{}}}"#,
                    cur.teams()[k].id,
                    end.min(now + rng.random_range(1..=3))
                )
            }
            "unavailable" => {
                let on = on_duty(&cur, &prev, TeamKind::Patrol, now);
                let (k, _) = on[rng.random_range(0..on.len())];
                format!(
                    r#"{{"type":"unavailable","team":"{}","from":{now},"to":48}}"#,
                    cur.teams()[k].id
                )
            }
            "available" => {
                let idle: Vec<usize> = (0..cur.teams().len())
                    .filter(|&k| {
                        cur.teams()[k].kind == TeamKind::Patrol
                            && (now..48).all(|s| !cur.teams()[k].is_available(s))
                    })
                    .collect();
                let k = if idle.is_empty() {
                    rng.random_range(0..cur.teams().len())
                } else {
                    idle[rng.random_range(0..idle.len())]
                };
                format!(
                    r#"{{"type":"available","team":"{}","from":{now},"to":{}}}"#,
                    cur.teams()[k].id,
                    (now + 8).min(slots)
                )
            }
            "requirement" => {
                let r = rng.random_range(0..cur.regions().len());
                format!(
                    r#"{{"type":"requirement","region":"{}","from":{},"to":{},"teams":1}}"#,
                    cur.regions()[r].id,
                    now + 1,
                    now + 4
                )
            }
            _ => {
                let r = rng.random_range(0..cur.regions().len());
                format!(
                    r#"{{"type":"risk","region":"{}","from":{now},"to":{},"factor":{}}}"#,
                    cur.regions()[r].id,
                    now + 3,
                    rng.random_range(2..=5)
                )
            }
        };
        let json = format!(
            r#"{{"format":"patrolplan.events.v1","instance":"{}","now":{now},"events":[{event}]}}"#,
            cur.name()
        );
        let events = parse_events(&json, &cur, &prev)?;
        let t = Instant::now();
        let out = match rp.apply(&events) {
            Ok(out) => out,
            Err(e) => {
                infeasible += 1;
                println!("{i:5}  {now:3}  {kind:<11}  no re-plan: {e}");
                continue;
            }
        };
        let ms = t.elapsed().as_secs_f64() * 1e3;
        latencies.push(ms);
        firsts.push(out.first_feasible.as_secs_f64() * 1e3);
        total_changes += out.changes;
        // The referee, outside the timing.
        let updated = rp.instance();
        let referee = evaluate_replan_schedule(updated, &out.schedule, &events.rules(prev));
        assert!(
            referee.feasible,
            "event {i}: {:?}",
            &referee.violations[..referee.violations.len().min(3)]
        );
        println!(
            "{i:5}  {now:3}  {kind:<11}  {ms:10.2}  {:8.2}  {:7}  {:8}  {:7}  {:18.3}  {:6.3}  {:.3}",
            out.first_feasible.as_secs_f64() * 1e3,
            out.changes,
            out.move_ups,
            out.improve.retimes,
            out.objective_after.total,
            out.objective_before.total,
            out.objective_total.total
        );
    }
    latencies.sort_by(f64::total_cmp);
    firsts.sort_by(f64::total_cmp);
    let p = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} re-plans (all feasible by the evaluator), {infeasible} without a re-plan; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; first feasible p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {total_changes} changes in total",
        latencies.len(),
        p(&latencies, 0.5),
        p(&latencies, 0.99),
        latencies[latencies.len() - 1],
        p(&firsts, 0.5),
        p(&firsts, 0.99),
        firsts[firsts.len() - 1]
    );
    Ok(())
}
