//! Dispatch scenario: solve nanjing, then a team drops out for the rest of the week;
//! re-solve warm-started from the current plan with a short deadline, and compare with
//! a cold re-solve given the same deadline.
//!
//! `cargo run --release --example dispatch -- [SECONDS] [DEADLINE_SECONDS]`

use std::time::{Duration, Instant};

use patrolplan::model::TeamKind;
use patrolplan::{load_instance, Solver};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().map_or(Ok(10.0), |a| a.parse())?;
    let deadline: f64 = args.next().map_or(Ok(2.0), |a| a.parse())?;
    let inst = load_instance(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanjing.json"))?;
    let plan = Solver::new(&inst)
        .seed(1)
        .threads(2)
        .time_limit(Some(Duration::from_secs_f64(secs)))
        .full_assert_every(0)
        .solve()?;
    println!("planned: objective {:.3}", plan.objective.total);

    // The busiest mobile team drops out at slot 40: it is unavailable from then on.
    let k = (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == TeamKind::Mobile)
        .max_by_key(|&k| (plan.schedule.worked_slots(k), std::cmp::Reverse(k)))
        .expect("nanjing has mobile teams");
    let drop_at = 40;
    let id = inst.teams()[k].id.clone();
    // A changed instance is a new, re-validated one: edit the file it came from.
    let inst = inst.replace(|file| {
        let spec = file
            .teams
            .iter_mut()
            .find(|t| t.id == id)
            .expect("the team is in its own instance's file");
        let horizon = inst.slots();
        let ranges: Vec<(usize, usize)> = match &spec.available {
            None => vec![(0, horizon)],
            Some(rs) => rs
                .iter()
                .filter_map(|[a, b]| Some((a.as_u64()? as usize, b.as_u64()? as usize)))
                .collect(),
        };
        spec.available = Some(
            ranges
                .into_iter()
                .filter(|&(a, _)| a < drop_at)
                .map(|(a, b)| [a.into(), b.min(drop_at).into()])
                .collect(),
        );
    })?;
    println!("team {id} drops out at slot {drop_at}");

    let limit = Some(Duration::from_secs_f64(deadline));
    let t0 = Instant::now();
    let warm = Solver::new(&inst)
        .seed(2)
        .threads(2)
        .time_limit(limit)
        .warm_start(&plan.schedule)
        .full_assert_every(0)
        .solve()?;
    let warm_ms = t0.elapsed().as_millis();
    let t0 = Instant::now();
    let cold = Solver::new(&inst)
        .seed(2)
        .threads(2)
        .time_limit(limit)
        .full_assert_every(0)
        .solve()?;
    let cold_ms = t0.elapsed().as_millis();
    println!(
        "warm re-solve: objective {:.3} in {warm_ms} ms ({} warm shifts dropped)",
        warm.objective.total, warm.stats.warm_dropped
    );
    println!(
        "cold re-solve: objective {:.3} in {cold_ms} ms",
        cold.objective.total
    );
    Ok(())
}
