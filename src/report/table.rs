//! The table people read: objective parts and KPIs of a schedule next to the baseline's.

use crate::schedule::{Kpis, ObjectiveParts};

/// One row: name, value of the schedule, value of the baseline (`None` = not applicable).
pub type Row = (String, Option<f64>, Option<f64>);

/// Every objective part and KPI of a schedule and of the baseline, in reading order.
pub fn comparison_rows(o: &ObjectiveParts, k: &Kpis, bo: &ObjectiveParts, bk: &Kpis) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut push = |name: &str, a: Option<f64>, b: Option<f64>| rows.push((name.to_string(), a, b));
    push("objective.total", Some(o.total), Some(bo.total));
    push("objective.presence", Some(o.presence), Some(bo.presence));
    push("objective.response", Some(o.response), Some(bo.response));
    push("objective.backup", Some(o.backup), Some(bo.backup));
    push("meeting_rate", k.meeting_rate, bk.meeting_rate);
    push("risk_coverage", k.risk_coverage, bk.risk_coverage);
    push(
        "response_coverage",
        k.response_coverage,
        bk.response_coverage,
    );
    push("backup_coverage", k.backup_coverage, bk.backup_coverage);
    push(
        "expected_preventable_incidents",
        k.expected_preventable_incidents,
        bk.expected_preventable_incidents,
    );
    let kinds = ["patrol_professional", "volunteer", "mobile"];
    let hours = |k: &Kpis| {
        let h = &k.personnel_hours;
        [h.patrol_professional, h.volunteer, h.mobile]
    };
    let util = |k: &Kpis| {
        let u = &k.utilisation;
        [u.patrol_professional, u.volunteer, u.mobile]
    };
    let spread = |k: &Kpis| {
        let s = &k.worked_slots_spread;
        [s.patrol_professional, s.volunteer, s.mobile]
    };
    for (i, kind) in kinds.iter().enumerate() {
        push(
            &format!("personnel_hours.{kind}"),
            Some(hours(k)[i]),
            Some(hours(bk)[i]),
        );
    }
    for (i, kind) in kinds.iter().enumerate() {
        push(&format!("utilisation.{kind}"), util(k)[i], util(bk)[i]);
    }
    for (i, kind) in kinds.iter().enumerate() {
        let (a, b) = (spread(k)[i], spread(bk)[i]);
        push(
            &format!("worked_slots.{kind}.min"),
            a.map(|s| s.min),
            b.map(|s| s.min),
        );
        push(
            &format!("worked_slots.{kind}.median"),
            a.map(|s| s.median),
            b.map(|s| s.median),
        );
        push(
            &format!("worked_slots.{kind}.max"),
            a.map(|s| s.max),
            b.map(|s| s.max),
        );
    }
    rows
}

/// Renders rows under a header naming the two columns, with their difference.
pub fn render_comparison(rows: &[Row], left: &str, right: &str) -> String {
    let num = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.4}"));
    let mut out = format!(
        "  {:<40} {:>14} {:>14} {:>12}\n",
        "", left, right, "difference"
    );
    for (name, a, b) in rows {
        let diff = match (a, b) {
            (Some(a), Some(b)) => format!("{:+.4}", a - b),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "  {name:<40} {:>14} {:>14} {:>12}\n",
            num(*a),
            num(*b),
            diff
        ));
    }
    out
}
