//! The objective section, and the presence weights it defines.

use super::checker::Checker;
use crate::model::instance::{Objective, Region};
use crate::model::raw::ObjectiveSpec;

pub(super) fn check_objective(ck: &mut Checker, o: &ObjectiveSpec) -> Objective {
    if o.presence_marginals.is_empty() {
        ck.ps.push(
            "bad_marginals",
            "objective.presence_marginals",
            "no marginals given",
            "give at least one value, for example [1.0, 0.5, 0.25]",
        );
    }
    for (j, m) in o.presence_marginals.iter().enumerate() {
        let path = format!("objective.presence_marginals[{j}]");
        if ck.number(*m, &path, 0.0, f64::MAX, false) && j > 0 && *m > o.presence_marginals[j - 1] {
            ck.ps.push(
                "bad_marginals",
                path,
                format!(
                    "{m} is larger than the previous marginal {}",
                    o.presence_marginals[j - 1]
                ),
                "presence marginals must not increase (each extra team is worth no more)",
            );
        }
    }
    for (name, v) in [
        ("risk_weight", o.risk_weight),
        ("footfall_weight", o.footfall_weight),
        ("response_minutes", o.response_minutes),
        ("response_weight", o.response_weight),
        ("backup_minutes", o.backup_minutes),
        ("backup_weight", o.backup_weight),
    ] {
        ck.number(v, &format!("objective.{name}"), 0.0, f64::MAX, false);
    }
    ck.number(o.deterrence, "objective.deterrence", 0.0, 1.0, false);
    Objective {
        presence_marginals: o.presence_marginals.clone(),
        risk_weight: o.risk_weight,
        footfall_weight: o.footfall_weight,
        response_minutes: o.response_minutes,
        response_weight: o.response_weight,
        backup_minutes: o.backup_minutes,
        backup_weight: o.backup_weight,
        deterrence: o.deterrence,
        volunteers_need_professional: o.volunteers_need_professional,
    }
}

/// `w[r,s] = risk_weight * risk + footfall_weight * footfall * (sum risk) / (sum footfall)`.
pub(super) fn presence_weights(regions: &[Region], o: &Objective, slots: usize) -> Vec<f64> {
    let sum_risk: f64 = regions.iter().flat_map(|r| r.risk.iter()).sum();
    let sum_footfall: f64 = regions.iter().flat_map(|r| r.footfall.iter()).sum();
    let mut w = Vec::with_capacity(regions.len() * slots);
    for r in regions {
        for s in 0..slots {
            let f = if sum_footfall > 0.0 {
                r.footfall[s] * sum_risk / sum_footfall
            } else {
                0.0
            };
            w.push(o.risk_weight * r.risk[s] + o.footfall_weight * f);
        }
    }
    w
}
