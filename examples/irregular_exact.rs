//! patrolplan's own exact methods on small instance files, for the irregular family's
//! stored optima (tests/data/irregular/): exhaustive search over every team's
//! rule-keeping schedules (when the number of combinations is at most a limit) and the
//! section 6 MIP solved by microlp (when the model is at most a size). One JSON line per
//! file; `null` where a method was skipped.
//!
//! ```sh
//! cargo run --release --example irregular_exact -- [--combinations 3000000] [--assignments 600] FILE...
//! ```

use std::process::ExitCode;
use std::time::Instant;

use patrolplan::bound::assignment_count;
use patrolplan::bound::mip::{exhaustive_optimum, mip_optimum, team_schedules};
use patrolplan::Instance;
use serde_json::json;

/// Counted schedules by walk state: (slot, run, idle, worked, last location).
type Memo = std::collections::BTreeMap<(usize, usize, Option<usize>, usize, Option<u32>), f64>;

/// How many schedules of team `k` keep its own rules, counted by a memoised walk over
/// (slot, run length, idle slots capped at the rest, worked slots, last location) —
/// the same states `team_schedules` enumerates, without listing them.
fn count_schedules(inst: &Instance, k: usize) -> f64 {
    let locs = inst.reach().locations(k).to_vec();
    let mut memo = Memo::new();
    #[allow(clippy::too_many_arguments)]
    fn walk(
        inst: &Instance,
        k: usize,
        locs: &[u32],
        s: usize,
        run: usize,
        idle: Option<usize>,
        worked: usize,
        prev: Option<u32>,
        memo: &mut Memo,
    ) -> f64 {
        let rules = inst.rules_of(k);
        if s == inst.slots() {
            return f64::from(u8::from(run == 0 || run >= rules.min_shift_slots));
        }
        let key = (s, run, idle, worked, prev);
        if let Some(&v) = memo.get(&key) {
            return v;
        }
        let mut total = 0.0;
        if run == 0 || run >= rules.min_shift_slots {
            let next_idle = if run > 0 {
                Some(1)
            } else {
                idle.map(|i| (i + 1).min(rules.min_rest_slots))
            };
            total += walk(inst, k, locs, s + 1, 0, next_idle, worked, None, memo);
        }
        if inst.teams()[k].is_available(s) && worked < rules.max_work_slots {
            let may_start = run == 0 && idle.is_none_or(|i| i >= rules.min_rest_slots);
            let may_continue = run > 0 && run < rules.max_shift_slots;
            for &l in locs {
                let ok = if may_continue {
                    inst.reach()
                        .hop_neighbors(k, prev.expect("in a run") as usize)
                        .contains(&l)
                } else {
                    may_start
                };
                if ok {
                    total += walk(
                        inst,
                        k,
                        locs,
                        s + 1,
                        run + 1,
                        idle,
                        worked + 1,
                        Some(l),
                        memo,
                    );
                }
            }
        }
        memo.insert(key, total);
        total
    }
    walk(inst, k, &locs, 0, 0, None, 0, None, &mut memo)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str, default: f64| -> f64 {
        match args.iter().position(|a| a == flag) {
            Some(i) if i + 1 < args.len() => {
                let v = args[i + 1].parse().unwrap_or(default);
                args.drain(i..i + 2);
                v
            }
            _ => default,
        }
    };
    let max_combinations = take("--combinations", 3e6);
    let max_assignments = take("--assignments", 600.0) as usize;
    if args.is_empty() {
        eprintln!("usage: irregular_exact [--combinations N] [--assignments N] FILE...");
        return ExitCode::from(2);
    }
    for file in &args {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::from(2);
            }
        };
        // No rule links patrol and mobile teams and the score adds up over them, so
        // each part is solved on its own: the optimum is the sum of the two optima.
        let mut parts = Vec::new();
        for kind in ["patrol", "mobile"] {
            let mut value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            value["teams"]
                .as_array_mut()
                .expect("teams")
                .retain(|t| t["kind"] == kind);
            if kind == "mobile" {
                for r in value["regions"].as_array_mut().expect("regions") {
                    r.as_object_mut().expect("region").remove("min_patrol");
                }
            }
            if value["teams"].as_array().expect("teams").is_empty() {
                continue;
            }
            match Instance::from_json(&value.to_string()) {
                Ok(i) => parts.push((kind, i)),
                Err(e) => {
                    eprintln!("{file} ({kind} part): {e}");
                    return ExitCode::from(2);
                }
            }
        }
        let mut report = serde_json::Map::new();
        let (mut ex_total, mut mip_total) = (Some(0.0), Some(0.0));
        for (kind, inst) in &parts {
            let counts: Vec<f64> = (0..inst.teams().len())
                .map(|k| count_schedules(inst, k))
                .collect();
            let combinations: f64 = counts.iter().product();
            let exhaustive = (combinations <= max_combinations).then(|| {
                let listed: Vec<f64> = (0..inst.teams().len())
                    .map(|k| team_schedules(inst, k).len() as f64)
                    .collect();
                assert_eq!(
                    listed, counts,
                    "{file}: schedule count differs from enumeration"
                );
                let t = Instant::now();
                let v = exhaustive_optimum(inst).map(|(v, _)| v);
                (v, t.elapsed().as_millis() as u64)
            });
            let assignments = assignment_count(inst);
            let microlp = (assignments <= max_assignments).then(|| {
                let t = Instant::now();
                let v = mip_optimum(inst).ok();
                (v, t.elapsed().as_millis() as u64)
            });
            ex_total = match (ex_total, exhaustive) {
                (Some(a), Some((Some(v), _))) => Some(a + v),
                _ => None,
            };
            mip_total = match (mip_total, microlp) {
                (Some(a), Some((Some(v), _))) => Some(a + v),
                _ => None,
            };
            report.insert(
                kind.to_string(),
                json!({ "team_schedules": counts, "combinations": combinations,
                        "assignments": assignments,
                        "exhaustive": exhaustive.map(|(v, ms)| json!({"value": v, "ms": ms})),
                        "microlp": microlp.map(|(v, ms)| json!({"value": v, "ms": ms})) }),
            );
        }
        println!(
            "{}",
            json!({ "file": file, "exhaustive": ex_total, "microlp": mip_total, "parts": report })
        );
    }
    ExitCode::SUCCESS
}
