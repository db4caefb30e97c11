//! Exact solving of small components: a branch and bound over the section 6 model
//! (MODEL.md) whose node bounds come from a Lagrangian relaxation with each team's
//! exact move machine, and whose incumbent is the caller's schedule (typically the
//! search's best).
//!
//! The instance splits into independent components ([`model::components`]): the
//! patrol side and the mobile side never share a term of the objective or a rule, and
//! each side splits further by shared regions and posts. Per component:
//! 1. a subgradient search for multipliers ([`dual::search`]); its value is a proven
//!    upper bound on the component's optimum whatever the multipliers;
//! 2. a depth-first branch and bound ([`dfs::branch_and_bound`]) with those
//!    multipliers; when it finishes, its best plan is optimal.
//!
//! The optimum is the sum of the components' optima; the bound the sum of their
//! bounds. See `docs/exact.md`.

// Several parallel arrays share one index here; index loops read clearer than zips.
#![allow(clippy::needless_range_loop)]

pub mod dfs;
pub mod dual;
pub mod model;

use std::time::{Duration, Instant};

use crate::model::Instance;
use crate::schedule::{evaluate, Schedule, Shift};

use dfs::Plan;
use dual::{Local, Prices};
use model::{Component, Side};

/// Options of [`solve_exact`].
#[derive(Debug, Clone)]
pub struct ExactOptions {
    /// Wall-clock budget for everything (multipliers and branch and bound).
    pub time_limit: Duration,
    /// Most branch-and-bound nodes per component.
    pub node_limit: u64,
    /// Most multiplier evaluations per multiplier search (a component runs up to two,
    /// one per starting point).
    pub dual_iterations: usize,
    /// Share of a component's time given to the multiplier search.
    pub dual_share: f64,
    /// Stop by `node_limit` and `dual_iterations` only: the clock (`time_limit`) is
    /// then a safety net and, unless it fires, the outcome (proven or not, and which
    /// optimal plan) does not depend on timing or load.
    pub clock_free: bool,
    /// After the first round, a component whose relative gap (bound - best value) /
    /// bound is above this is left there (no long branch and bound): its time goes
    /// back to the caller. `f64::INFINITY` (the default): never.
    pub give_up_gap: f64,
    /// The long branch and bound (the second round) stops when its forecast needs more
    /// than this many times the nodes it has left, to the node limit or, at its rate so
    /// far, to the deadline (`dfs::branch_and_bound`'s forecast): its time goes back to
    /// the caller. `None` (the default): it runs to its deadline or node limit.
    pub forecast: Option<f64>,
}

impl Default for ExactOptions {
    fn default() -> Self {
        ExactOptions {
            time_limit: Duration::from_secs(10),
            node_limit: u64::MAX,
            dual_iterations: 5_000,
            dual_share: 0.5,
            clock_free: false,
            give_up_gap: f64::INFINITY,
            forecast: None,
        }
    }
}

/// Largest total of dynamic-programme table entries (slots x states, over a
/// component's teams) that the exact path builds; larger components get no exact
/// attempt (8 bytes an entry: 16 M entries is 128 MB).
pub const MAX_TABLE_ENTRIES: usize = 16_000_000;

/// Nodes of the first branch and bound, with the starting prices, before any
/// multiplier search (it proves small components and finds a first plan).
pub const PROBE_NODES: u64 = 50_000;

/// How one component was settled.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComponentReport {
    /// `patrol` or `mobile`.
    pub side: &'static str,
    /// Teams in the component.
    pub teams: usize,
    /// Regions whose value it decides.
    pub regions: usize,
    /// `branch_and_bound` (finished: the value is optimal), `lagrangian_dp` (bound from
    /// the multipliers or the open nodes), or `too_large` (not attempted).
    pub method: &'static str,
    /// Value of the best plan found (`null` when none).
    pub value: Option<f64>,
    /// Proven upper bound on the component's optimum (`null` when not attempted).
    pub bound: Option<f64>,
    /// Whether `value` is proven optimal.
    pub proven: bool,
    /// Branch-and-bound nodes.
    pub nodes: u64,
    /// Multiplier evaluations.
    pub dual_iterations: usize,
    /// Milliseconds in the multiplier search.
    pub dual_ms: u64,
    /// Milliseconds in the branch and bound.
    pub search_ms: u64,
    /// Branch-and-bound runs after the probe (each from one of the starting
    /// multipliers, see [`settle`]).
    pub rounds: usize,
    /// The long branch and bound stopped by its forecast (`ExactOptions::forecast`).
    pub forecast_stop: bool,
}

/// The outcome of [`solve_exact`].
#[derive(Debug, Clone)]
pub struct ExactOutcome {
    /// The best schedule found (every component's best plan), when every component
    /// has one.
    pub schedule: Option<Schedule>,
    /// Its objective (sum of the components' values).
    pub objective: Option<f64>,
    /// Proven upper bound on every feasible schedule's objective, when every
    /// component was attempted.
    pub bound: Option<f64>,
    /// Every component finished: `schedule` is optimal (or, with no schedule, none
    /// exists).
    pub proven_optimal: bool,
    /// Per component, in [`model::components`] order.
    pub components: Vec<ComponentReport>,
}

/// Table entries the exact path would build for a component.
pub fn table_entries(inst: &Instance, comp: &Component) -> usize {
    comp.teams
        .iter()
        .map(|t| (inst.slots() + 1).saturating_mul(t.states()))
        .fold(0usize, usize::saturating_add)
}

/// Table entries the exact path would build over the whole instance, computed from
/// the teams alone (cheap: no component is built).
pub fn instance_table_entries(inst: &Instance) -> usize {
    (0..inst.teams().len())
        .map(|k| {
            let r = inst.rules_of(k);
            let team = &inst.teams()[k];
            let ns = r.min_rest_slots.max(1)
                + 1
                + inst.reach().locations(k).len() * r.max_shift_slots.max(1);
            let levels = if r.max_work_slots < team.available_slots() {
                r.max_work_slots + 1
            } else {
                1
            };
            (inst.slots() + 1).saturating_mul(ns).saturating_mul(levels)
        })
        .fold(0usize, usize::saturating_add)
}

/// Solves `inst` exactly where it can within the options' budget. `incumbent`, when
/// given and feasible (checked by the evaluator), starts each component's search
/// with its value (it is then never worse than the incumbent).
pub fn solve_exact(
    inst: &Instance,
    incumbent: Option<&Schedule>,
    options: &ExactOptions,
) -> ExactOutcome {
    solve_exact_until(inst, incumbent, options, &|| false)
}

/// [`solve_exact`] that also stops when `cancelled()` turns true (checked between
/// multiplier evaluations and every 1,024 branch-and-bound nodes); what is proven or
/// bounded by then is reported as usual.
pub fn solve_exact_until(
    inst: &Instance,
    incumbent: Option<&Schedule>,
    options: &ExactOptions,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> ExactOutcome {
    let start = Instant::now();
    let deadline = start + options.time_limit;
    let incumbent =
        incumbent.filter(|h| h.shifts.len() == inst.teams().len() && evaluate(inst, h).feasible);
    let comps = model::components(inst);
    let mut reports = Vec::with_capacity(comps.len());
    let mut plans: Vec<Option<Plan>> = vec![None; comps.len()];
    // Smallest components first; each gets a share of the time left in proportion to
    // its size, so what a quick one leaves over goes to the larger ones.
    let sizes: Vec<usize> = comps.iter().map(|c| table_entries(inst, c)).collect();
    let mut by_size: Vec<usize> = (0..comps.len()).collect();
    by_size.sort_by_key(|&i| sizes[i]);
    let mut size_left: f64 = by_size
        .iter()
        .filter(|&&i| sizes[i] <= MAX_TABLE_ENTRIES)
        .map(|&i| sizes[i] as f64)
        .sum();
    let mut slot_of = vec![0; comps.len()];
    for &i in &by_size {
        let comp = &comps[i];
        let side = match comp.side {
            Side::Patrol => "patrol",
            Side::Mobile => "mobile",
        };
        let mut report = ComponentReport {
            side,
            teams: comp.teams.len(),
            regions: comp.regions.len(),
            method: "too_large",
            value: None,
            bound: None,
            proven: false,
            nodes: 0,
            dual_iterations: 0,
            dual_ms: 0,
            search_ms: 0,
            rounds: 0,
            forecast_stop: false,
        };
        slot_of[i] = reports.len();
        if sizes[i] > MAX_TABLE_ENTRIES {
            reports.push(report);
            continue;
        }
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        let share = if options.clock_free {
            left
        } else {
            left.mul_f64((sizes[i] as f64 / size_left.max(1.0)).min(1.0))
        };
        size_left -= sizes[i] as f64;
        let local = Local::new(inst, comp);
        let component_deadline = if options.clock_free {
            deadline
        } else {
            now + share
        };
        let settled = settle(
            &local,
            incumbent.map(|h| local.plan_of(h)),
            options,
            now + share.mul_f64(0.1),
            component_deadline,
            cancelled,
        );
        report.nodes = settled.nodes;
        report.dual_iterations = settled.dual_iterations;
        report.dual_ms = settled.dual_ms;
        report.search_ms = (now.elapsed().as_millis() as u64).saturating_sub(settled.dual_ms);
        report.rounds = settled.rounds;
        report.forecast_stop = settled.forecast_stop;
        report.proven = settled.proven;
        report.value = settled.plan.as_ref().map(|_| settled.value);
        report.bound = Some(if settled.proven {
            settled.value.max(0.0)
        } else {
            settled.bound
        });
        report.method = if settled.proven {
            "branch_and_bound"
        } else {
            "lagrangian_dp"
        };
        plans[i] = settled.plan;
        reports.push(report);
    }
    // Back to component order.
    let mut ordered: Vec<Option<ComponentReport>> = reports.into_iter().map(Some).collect();
    let reports: Vec<ComponentReport> = (0..comps.len())
        .map(|i| {
            ordered[slot_of[i]]
                .take()
                .expect("one report per component")
        })
        .collect();
    let all_plans = plans.iter().all(Option::is_some);
    let schedule = all_plans.then(|| to_schedule(inst, &comps, &plans));
    let objective = all_plans.then(|| reports.iter().map(|r| r.value.unwrap_or(0.0)).sum());
    let bound = reports.iter().map(|r| r.bound).sum::<Option<f64>>();
    ExactOutcome {
        schedule,
        objective,
        bound,
        proven_optimal: reports.iter().all(|r| r.proven),
        components: reports,
    }
}

/// Nodes of the first, short round of [`settle`] (about 0.5 s on the tiny preset).
pub const ROUND_NODES: u64 = 1_000_000;

/// Polyak target of the first round's multiplier search, as a share of the best value
/// known. Aiming below the optimum gives longer steps; on the tiny preset the
/// multipliers found so let the branch and bound close seeds 1 and 3 in about a
/// second, which it does not in 40 s with the multipliers aimed at the optimum.
pub const AGGRESSIVE_TARGET: f64 = 0.95;

/// Share of a component's time left for the multiplier search of a component given
/// up after the first round (`ExactOptions::give_up_gap`): its bound only.
pub const GIVE_UP_DUAL_SHARE: f64 = 0.25;

/// Most multiplier evaluations of that search.
pub const GIVE_UP_DUAL_ITERATIONS: usize = 400;

/// What [`settle`] found for one component.
struct Settled {
    plan: Option<Plan>,
    value: f64,
    bound: f64,
    proven: bool,
    nodes: u64,
    dual_iterations: usize,
    dual_ms: u64,
    rounds: usize,
    forecast_stop: bool,
}

/// Settles one component: a probe, then two rounds of multiplier search and branch
/// and bound, until proven, out of work or time, or cancelled.
///
/// Which multipliers let the depth-first search close is hard to predict (on the tiny
/// preset some seeds close in a second from one start and not in 40 s from the
/// other), so there are two: first neutral prices aimed below the best value
/// ([`AGGRESSIVE_TARGET`]) with a short branch and bound ([`ROUND_NODES`]), then the
/// prices read off the best plan (the incumbent's, else the probe's) aimed at its value,
/// with every node left. Every bound met on the way is valid; the smallest is kept.
fn settle(
    local: &Local,
    incumbent: Option<Plan>,
    options: &ExactOptions,
    probe_deadline: Instant,
    deadline: Instant,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Settled {
    let mut best: Option<(f64, Plan)> = incumbent.map(|plan| (plan_value(local, &plan), plan));
    let hint_prices = best.as_ref().map(|(_, plan)| local.prices_of_plan(plan));
    let neutral = local.initial_prices(None);
    // A short branch and bound with the starting prices first: small components
    // (typically the mobile side) often close in it, and then need no multiplier
    // search. Without an incumbent it also finds one, whose value is the target of
    // the multiplier search's steps.
    let probe = dfs::branch_and_bound(
        local,
        hint_prices.as_ref().unwrap_or(&neutral),
        best.clone(),
        PROBE_NODES.min(options.node_limit),
        if options.clock_free {
            deadline
        } else {
            probe_deadline.min(deadline)
        },
        None,
        cancelled,
    );
    let mut out = Settled {
        plan: None,
        value: f64::NEG_INFINITY,
        bound: probe.bound,
        proven: probe.proven,
        nodes: probe.nodes,
        dual_iterations: 0,
        dual_ms: 0,
        rounds: 0,
        forecast_stop: false,
    };
    if let Some(plan) = probe.plan {
        if best.as_ref().is_none_or(|b| probe.value > b.0) {
            best = Some((probe.value, plan));
        }
    }
    // The two rounds: neutral prices aiming below the best value (short), then the
    // prices read off the best plan aiming at its value (every node left).
    let from_best = best.as_ref().map(|(_, plan)| local.prices_of_plan(plan));
    // (Without an incumbent the best value is the probe's, already well below the
    // optimum: the first round aims at it.)
    let first_aim = if hint_prices.is_some() {
        AGGRESSIVE_TARGET
    } else {
        1.0
    };
    let mut rounds: Vec<(Prices, f64, u64)> = vec![(neutral, first_aim, ROUND_NODES)];
    if let Some(p) = hint_prices.or(from_best) {
        rounds.push((p, 1.0, u64::MAX));
    }
    let searches = rounds.len();
    for (k, (start, aim, nodes)) in rounds.into_iter().enumerate() {
        let now = Instant::now();
        let nodes_left = options.node_limit.saturating_sub(out.nodes);
        // The first round runs even past the deadline (it stops within one multiplier
        // evaluation and 1,024 nodes): the searched multipliers' bound is far below
        // the probe's.
        if out.proven || nodes_left == 0 || cancelled() || (k > 0 && now >= deadline) {
            break;
        }
        let gap = best.as_ref().map_or(f64::INFINITY, |b| {
            (out.bound - b.0) / out.bound.abs().max(1e-9)
        });
        // Too far from proven: no long branch and bound, only a short multiplier
        // search from the best plan's prices, whose bound is usually well below the
        // first round's (irregular small-4: 294.7 against 304.8).
        let bound_only = k > 0 && gap > options.give_up_gap;
        // The multiplier search: up to `dual_iterations` evaluations and, in timed
        // runs, an even part of the multiplier share of the time left.
        let dual_deadline = if options.clock_free {
            deadline
        } else {
            let share = if bound_only {
                GIVE_UP_DUAL_SHARE
            } else {
                options.dual_share / (searches - k) as f64
            };
            now + deadline.saturating_duration_since(now).mul_f64(share)
        };
        let dual = dual::search(
            local,
            start,
            best.as_ref().map(|b| b.0 - (1.0 - aim) * b.0.abs()),
            dual_deadline,
            if bound_only {
                options.dual_iterations.min(GIVE_UP_DUAL_ITERATIONS)
            } else {
                options.dual_iterations
            },
            cancelled,
        );
        out.dual_ms += now.elapsed().as_millis() as u64;
        out.dual_iterations += dual.iterations;
        out.bound = out.bound.min(dual.bound);
        if bound_only {
            break;
        }
        let bb = dfs::branch_and_bound(
            local,
            &dual.prices,
            best.clone(),
            nodes.min(nodes_left),
            deadline,
            // The first round's budget is short ([`ROUND_NODES`]) and it proves
            // some seeds in it (tiny preset 1 and 3); the forecast cuts the long one.
            if k > 0 { options.forecast } else { None },
            cancelled,
        );
        out.rounds += 1;
        out.nodes += bb.nodes;
        out.proven = bb.proven;
        out.forecast_stop = bb.forecast_stop;
        out.bound = out.bound.min(bb.bound);
        if let Some(plan) = bb.plan {
            if best.as_ref().is_none_or(|b| bb.value > b.0) {
                best = Some((bb.value, plan));
            }
        }
    }
    if let Some((value, plan)) = best {
        out.value = value;
        out.plan = Some(plan);
    }
    if out.proven {
        // Finished: the best plan (or none) is optimal.
        out.bound = out.value;
    }
    out
}

/// Exact value of a component's plan (section 5 restricted to its cells; rules are
/// not checked here).
pub fn plan_value(local: &Local, plan: &Plan) -> f64 {
    let slots = local.slots;
    let obj = &local.inst.objective();
    let nr = local.comp.regions.len();
    let mut total = 0.0;
    for s in 0..slots {
        let mut pa = vec![0.0; nr];
        let mut n1 = vec![0u32; nr];
        let mut n2 = vec![0u32; nr];
        for (ti, t) in local.comp.teams.iter().enumerate() {
            let Some(li) = plan[ti][s] else { continue };
            let li = li as usize;
            match local.comp.side {
                Side::Patrol => pa[local.loc_local[ti][li] as usize] += t.eff,
                Side::Mobile => {
                    for &r in &local.resp[ti][li] {
                        n1[r as usize] += 1;
                    }
                    for &r in &local.back[ti][li] {
                        n2[r as usize] += 1;
                    }
                }
            }
        }
        for ri in 0..nr {
            let c = ri * slots + s;
            total += match local.comp.side {
                Side::Patrol => local.w[c] * obj.presence_value(pa[ri]),
                Side::Mobile => {
                    f64::from(u8::from(n1[ri] >= 1)) * local.alpha[c]
                        + f64::from(u8::from(n2[ri] >= 2)) * local.beta[c]
                }
            };
        }
    }
    total
}

/// Turns the components' plans into a schedule (maximal runs of worked slots are
/// shifts; the rest rule keeps runs apart).
fn to_schedule(inst: &Instance, comps: &[Component], plans: &[Option<Plan>]) -> Schedule {
    let mut sched = Schedule::empty(inst);
    for (comp, plan) in comps.iter().zip(plans) {
        let Some(plan) = plan else { continue };
        for (t, row) in comp.teams.iter().zip(plan) {
            let mut shifts: Vec<Shift> = Vec::new();
            for (s, li) in row.iter().enumerate() {
                let Some(li) = li else { continue };
                let l = t.locs[*li as usize];
                match shifts.last_mut() {
                    Some(sh) if sh.end() == s => sh.at.push(l),
                    _ => shifts.push(Shift {
                        start: s,
                        at: vec![l],
                    }),
                }
            }
            sched.shifts[t.team] = shifts;
        }
    }
    sched
}
