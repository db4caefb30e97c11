//! The plan for people: one self-contained HTML file (MODEL.md section 10).
//!
//! The map is inline SVG written here (one shape per region, one circle per post), so
//! it shows and prints without script; a small plain script (`report.js`, inlined)
//! colours it by the selected measure and slot, draws the response circles of occupied
//! posts, and draws the shift timeline on a canvas, one group (kind and district) at a
//! time, rows virtualised so that `jiangsu`'s 28,600 teams stay fast. The tables (KPIs
//! against the baseline, bound and gap, every breach, the top uncovered risk with its
//! explanation) are plain HTML. No network access is needed to open the file.
//!
//! Per-slot values travel to the script as one character per region-slot (see
//! [`CODE`]): exact counts of patrol and mobile teams (capped at 63), and the presence
//! value, risk and footfall quantised to 64 levels for colouring. Every number comes
//! from the evaluator ([`crate::schedule`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rstar::{primitives::GeomWithData, RTree};
use serde_json::json;

use crate::model::{Instance, TeamKind};
use crate::schedule::{Detail, Evaluation, ScheduleInput};

use super::explain::{
    class_counts, doing_text, explain, top_uncovered, Explanation, LISTED_CANDIDATES,
};
use super::table::comparison_rows;
use super::time::Clock;

/// 64 characters, one per level 0..=63, safe inside JSON strings.
pub const CODE: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

const CSS: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Map width in SVG user units (the longer side of the bounding box).
const MAP_UNITS: f64 = 1000.0;
/// Kilometres per degree of latitude (mean Earth radius 6371 km).
const KM_PER_DEGREE: f64 = 6371.0 * std::f64::consts::PI / 180.0;

/// The proven upper bound shown with the report.
#[derive(Debug, Clone)]
pub struct BoundInfo {
    /// The bound.
    pub bound: f64,
    /// Where it comes from, in words (e.g. "schedule summary", "computed: lagrangian in 5.0 s").
    pub source: String,
}

/// Everything the report shows.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The instance.
    pub instance: &'a Instance,
    /// The schedule as read.
    pub input: &'a ScheduleInput,
    /// The evaluator's verdict on the schedule.
    pub eval: &'a Evaluation,
    /// The evaluator's per-cell numbers of the schedule.
    pub detail: &'a Detail,
    /// The evaluator's verdict on the baseline.
    pub baseline: &'a Evaluation,
    /// The bound, if known.
    pub bound: Option<&'a BoundInfo>,
    /// The solver's claimed objective total from the schedule's summary, if any.
    pub summary_total: Option<f64>,
    /// How many uncovered region-slots to explain.
    pub top: usize,
}

/// HTML-escapes text for element content and quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Equirectangular projection of the instance's bounding box onto the map.
struct Projection {
    min_lon: f64,
    max_lat: f64,
    cos: f64,
    scale: f64,
    width: f64,
    height: f64,
}

impl Projection {
    fn new(instance: &Instance) -> Projection {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut add = |x: f64, y: f64| {
            b[0] = b[0].min(x);
            b[1] = b[1].min(y);
            b[2] = b[2].max(x);
            b[3] = b[3].max(y);
        };
        for r in instance.regions() {
            add(r.point.x(), r.point.y());
            if let Some(mp) = &r.boundary {
                for p in &mp.0 {
                    for c in p.exterior().coords() {
                        add(c.x, c.y);
                    }
                }
            }
        }
        for p in instance.posts() {
            add(p.point.x(), p.point.y());
        }
        if !b[0].is_finite() {
            b = [0.0, 0.0, 1.0, 1.0];
        }
        let cos = ((b[1] + b[3]) / 2.0).to_radians().cos().max(0.01);
        let (w, h) = (((b[2] - b[0]) * cos).max(1e-6), (b[3] - b[1]).max(1e-6));
        let scale = MAP_UNITS / w.max(h);
        Projection {
            min_lon: b[0],
            max_lat: b[3],
            cos,
            scale,
            width: w * scale,
            height: h * scale,
        }
    }

    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.min_lon) * self.cos * self.scale,
            (self.max_lat - lat) * self.scale,
        )
    }

    fn km_per_unit(&self) -> f64 {
        KM_PER_DEGREE / self.scale
    }
}

fn fmt1(x: f64) -> String {
    let v = (x * 10.0).round() / 10.0;
    if v == v.trunc() {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The SVG path of a region boundary.
fn path_d(proj: &Projection, mp: &geo::MultiPolygon<f64>) -> String {
    let mut d = String::new();
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let mut first = true;
            for c in ring.coords() {
                let (x, y) = proj.xy(c.x, c.y);
                d.push(if first { 'M' } else { 'L' });
                d.push_str(&fmt1(x));
                d.push(',');
                d.push_str(&fmt1(y));
                first = false;
            }
            d.push('Z');
        }
    }
    d
}

fn level(x: f64, max: f64) -> u8 {
    if max <= 0.0 || !x.is_finite() {
        return CODE[0];
    }
    CODE[((x / max).clamp(0.0, 1.0) * 63.0).round() as usize]
}

fn count(n: u32) -> u8 {
    CODE[n.min(63) as usize]
}

/// Per team: the group (district) index, by the region nearest its base.
fn team_groups(instance: &Instance, group_of_region: &[usize]) -> Vec<usize> {
    type Indexed = GeomWithData<[f64; 2], usize>;
    let cos = |lat: f64| lat.to_radians().cos();
    let tree: RTree<Indexed> = RTree::bulk_load(
        instance
            .regions()
            .iter()
            .enumerate()
            .map(|(i, r)| Indexed::new([r.point.x() * cos(r.point.y()), r.point.y()], i))
            .collect(),
    );
    instance
        .teams()
        .iter()
        .map(|t| {
            let p = t.base.point;
            tree.nearest_neighbor(&[p.x() * cos(p.y()), p.y()])
                .map_or(0, |n| group_of_region[n.data])
        })
        .collect()
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        "-".into()
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".into(), num)
}

/// Renders the report.
pub fn render(r: &ReportInput) -> String {
    let inst = r.instance;
    let d = r.detail;
    let slots = d.slots;
    let clock = Clock::new(inst);
    let proj = Projection::new(inst);
    let mut html = String::with_capacity(1 << 20);

    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>patrolplan report: {}</title><style>{}</style>\
         <script>window.__errors=[];addEventListener('error',function(e){{__errors.push(String(e.message||e))}});\
         if(location.hash==='#selftest'){{var ce=console.error;console.error=function(){{\
         __errors.push('console.error: '+[].join.call(arguments,' '));ce.apply(console,arguments)}}}}</script>\
         </head><body>\n",
        esc(inst.name()),
        CSS
    );

    // Header.
    let e = r.eval;
    let gap = r
        .bound
        .map(|b| (b.bound - e.objective.total) / b.bound)
        .filter(|g| g.is_finite());
    let _ = writeln!(
        html,
        "<header><h1>Plan for {name}</h1><p class=\"facts\">{slots} slots of {mins} min{start}; \
         {nr} regions, {np} posts, {nt} teams. Schedule <b class=\"{fc}\">{feas}</b> \
         ({nv} breach(es)); objective {total}{gap}.</p></header>",
        name = esc(inst.name()),
        mins = inst.horizon().slot_minutes,
        start = inst
            .horizon()
            .start
            .as_deref()
            .map(|s| format!(" from {}", esc(s)))
            .unwrap_or_default(),
        nr = inst.regions().len(),
        np = inst.posts().len(),
        nt = inst.teams().len(),
        fc = if e.feasible { "ok" } else { "bad" },
        feas = if e.feasible { "feasible" } else { "infeasible" },
        nv = e.violations.len(),
        total = num(e.objective.total),
        gap = gap
            .map(|g| format!(", gap {:.2} % to the bound", g * 100.0))
            .unwrap_or_default(),
    );

    // Map.
    let _ = write!(
        html,
        "<section id=\"map-section\"><h2>Map</h2>\
         <div class=\"controls\"><label>Colour by <select id=\"measure\">\
         <option value=\"uncovered\">risk left uncovered</option>\
         <option value=\"presence\">presence</option>\
         <option value=\"meeting\">meeting (patrolled footfall)</option>\
         <option value=\"response\">response cover</option>\
         <option value=\"backup\">backup cover</option></select></label> \
         <button id=\"play\" type=\"button\">play</button> \
         <input id=\"slot\" type=\"range\" min=\"0\" max=\"{max}\" value=\"0\" step=\"1\" aria-label=\"slot\"> \
         <span id=\"slot-label\">{label}</span></div>\
         <div class=\"mapwrap\"><svg id=\"map\" viewBox=\"-10 -10 {w} {h}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\">\
         <g id=\"regions\">",
        max = slots.saturating_sub(1),
        label = esc(&clock.label(0)),
        w = fmt1(proj.width + 20.0),
        h = fmt1(proj.height + 20.0),
    );
    let point_r = fmt1(MAP_UNITS / 250.0);
    for (i, region) in inst.regions().iter().enumerate() {
        match &region.boundary {
            Some(mp) => {
                let _ = write!(html, "<path data-r=\"{i}\" d=\"{}\"/>", path_d(&proj, mp));
            }
            None => {
                let (x, y) = proj.xy(region.point.x(), region.point.y());
                let _ = write!(
                    html,
                    "<circle data-r=\"{i}\" cx=\"{}\" cy=\"{}\" r=\"{point_r}\"/>",
                    fmt1(x),
                    fmt1(y)
                );
            }
        }
    }
    html.push_str("</g><g id=\"circles\"></g><g id=\"posts\">");
    let post_r = fmt1(MAP_UNITS / 600.0);
    for p in inst.posts() {
        let (x, y) = proj.xy(p.point.x(), p.point.y());
        let _ = write!(
            html,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{post_r}\"/>",
            fmt1(x),
            fmt1(y)
        );
    }
    html.push_str(
        "</g></svg><div id=\"tip\" class=\"tip\"></div></div><div id=\"legend\" class=\"legend\"></div></section>\n",
    );

    // Timeline.
    html.push_str(
        "<section id=\"gantt-section\"><h2>Shift timeline</h2><div class=\"controls\">\
         <label>Teams <select id=\"group\"></select></label> <span id=\"gantt-info\"></span></div>\
         <div class=\"gantt-legend\"><span class=\"sw pro\"></span>professional patrol \
         <span class=\"sw esc\"></span>escorting a volunteer \
         <span class=\"sw vol\"></span>volunteer <span class=\"sw une\"></span>volunteer without escort \
         <span class=\"sw mob\"></span>mobile</div>\
         <div id=\"gantt-scroll\"><div id=\"gantt-spacer\"></div><canvas id=\"gantt\"></canvas></div>\
         <div id=\"gantt-tip\" class=\"tip\"></div></section>\n",
    );

    // KPIs.
    html.push_str("<section id=\"kpis\"><h2>KPIs against the baseline</h2>");
    let _ = write!(
        html,
        "<p>Schedule {} ({} breach(es)); baseline {} ({} breach(es)). Both scored by the evaluator.</p>",
        if e.feasible { "feasible" } else { "infeasible" },
        e.violations.len(),
        if r.baseline.feasible {
            "feasible"
        } else {
            "infeasible"
        },
        r.baseline.violations.len()
    );
    html.push_str(
        "<table class=\"num\"><thead><tr><th>measure</th><th>schedule</th><th>baseline</th><th>difference</th></tr></thead><tbody>",
    );
    let b = r.baseline;
    for (name, a, bv) in comparison_rows(&e.objective, &e.kpis, &b.objective, &b.kpis) {
        let diff = match (a, bv) {
            (Some(a), Some(b)) => format!("{:+.4}", a - b),
            _ => "-".into(),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&name),
            opt(a),
            opt(bv),
            diff
        );
    }
    html.push_str("</tbody></table></section>\n");

    // Bound and gap.
    html.push_str("<section id=\"bound\"><h2>Bound and gap</h2>");
    match r.bound {
        Some(bi) => {
            let _ = write!(
                html,
                "<table class=\"num\"><tbody><tr><td>objective (evaluator)</td><td>{}</td></tr>\
                 <tr><td>proven upper bound</td><td>{}</td></tr><tr><td>gap = (bound − objective) / bound</td><td>{}</td></tr>\
                 </tbody></table><p>Bound from: {}.</p>",
                num(e.objective.total),
                num(bi.bound),
                gap.map_or("-".into(), |g| format!("{:.4} %", g * 100.0)),
                esc(&bi.source)
            );
        }
        None => html
            .push_str("<p>No bound: the schedule has no summary bound and none was computed.</p>"),
    }
    if let Some(t) = r.summary_total {
        let close = (t - e.objective.total).abs() <= 1e-9 * t.abs().max(1.0);
        let _ = write!(
            html,
            "<p>The schedule's summary claims objective {}; the evaluator {}.</p>",
            num(t),
            if close {
                "agrees".to_string()
            } else {
                format!(
                    "scores {} (the evaluator's value is used)",
                    num(e.objective.total)
                )
            }
        );
    }
    html.push_str("</section>\n");

    // Breaches.
    let _ = write!(
        html,
        "<section id=\"breaches\"><h2>Breaches ({})</h2>",
        e.violations.len()
    );
    if e.violations.is_empty() {
        html.push_str("<p>None: every hard rule is kept.</p>");
    } else {
        html.push_str(
            "<table><thead><tr><th>rule</th><th>team</th><th>slot</th><th>location</th><th>detail</th></tr></thead><tbody>",
        );
        for v in &e.violations {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                v.rule,
                esc(v.team.as_deref().unwrap_or("-")),
                v.slot
                    .map(|s| format!("{s} ({})", esc(&clock.label(s))))
                    .unwrap_or("-".into()),
                esc(v.location.as_deref().unwrap_or("-")),
                esc(&v.detail)
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>\n");

    // Top uncovered risk.
    let top = top_uncovered(inst, d, r.top);
    let _ = write!(
        html,
        "<section id=\"uncovered\"><h2>Top uncovered risk</h2><p>The {} region-slots with the most risk \
         that have no patrol team or no mobile team within {} min, and why: the teams that could \
         reach them, what they do instead, and the one-slot value they would lose where they are \
         and gain here (shift rules not checked for the move).</p>",
        top.len(),
        inst.objective().response_minutes
    );
    for (rank, &(rg, s)) in top.iter().enumerate() {
        let ex = explain(inst, d, rg, s);
        render_explanation(&mut html, inst, &clock, rank + 1, &ex);
    }
    html.push_str("</section>\n");

    // Data for the script.
    let data = script_data(r, &clock, &proj);
    let json = serde_json::to_string(&data)
        .unwrap_or_else(|_| "{}".into())
        .replace("</", "<\\/");
    let _ = write!(
        html,
        "<pre id=\"selftest\" hidden></pre>\n<script type=\"application/json\" id=\"data\">{json}</script>\n<script>{SCRIPT}</script>\n</body></html>\n"
    );
    html
}

fn render_explanation(
    html: &mut String,
    inst: &Instance,
    clock: &Clock,
    rank: usize,
    ex: &Explanation,
) {
    let region = &inst.regions()[ex.region];
    let o = &inst.objective();
    let _ = write!(
        html,
        "<div class=\"why\"><h3>{rank}. {} {}{} at {} (slot {})</h3><p>risk {}, presence weight {}; \
         patrol teams there: {}; mobile teams within {} min: {}, within {} min: {}.</p>",
        esc(&region.id),
        esc(&region.name),
        region
            .group
            .as_deref()
            .map(|g| format!(", {}", esc(g)))
            .unwrap_or_default(),
        esc(&clock.label(ex.slot)),
        ex.slot,
        num(ex.risk),
        num(ex.weight),
        ex.patrols,
        o.response_minutes,
        ex.response_teams,
        o.backup_minutes,
        ex.backup_teams
    );
    let mut list = |title: &str, cands: &[super::explain::Candidate], mobile: bool| {
        let _ = write!(
            html,
            "<p><b>{}</b>: {} team(s) could",
            esc(title),
            cands.len()
        );
        html.push_str(if mobile {
            " cover it from a post in their reach"
        } else {
            " stand there (available, within reach)"
        });
        if cands.is_empty() {
            html.push('.');
        } else {
            let _ = write!(html, ": {}.", esc(&class_counts(cands)));
        }
        if cands.iter().all(|c| c.net() <= 0.0) && !cands.is_empty() {
            html.push_str(" Each would lose at least as much where it is as it would gain here.");
        }
        html.push_str("</p>");
        if cands.is_empty() {
            return;
        }
        html.push_str("<table class=\"num\"><thead><tr><th>team</th><th>does instead</th>");
        if mobile {
            html.push_str("<th>would move to</th>");
        }
        html.push_str("<th>loses</th><th>gains</th><th>net</th></tr></thead><tbody>");
        for c in cands.iter().take(LISTED_CANDIDATES) {
            let t = &inst.teams()[c.team];
            let _ = write!(
                html,
                "<tr><td>{}{}</td><td>{}</td>",
                esc(&t.id),
                if t.volunteer { " (volunteer)" } else { "" },
                esc(&doing_text(inst, c))
            );
            if mobile {
                let _ = write!(
                    html,
                    "<td>{}</td>",
                    esc(c.target.map(|p| inst.posts()[p].id.as_str()).unwrap_or("-"))
                );
            }
            let _ = write!(
                html,
                "<td>{}</td><td>{}</td><td>{:+.4}</td></tr>",
                num(c.loss),
                num(c.gain),
                c.net()
            );
        }
        html.push_str("</tbody></table>");
        if cands.len() > LISTED_CANDIDATES {
            let _ = write!(
                html,
                "<p class=\"more\">… and {} more.</p>",
                cands.len() - LISTED_CANDIDATES
            );
        }
    };
    if ex.patrols == 0 {
        list("No patrol", &ex.patrol_candidates, false);
    }
    if ex.response_teams == 0 {
        list("No response cover", &ex.mobile_candidates, true);
    }
    html.push_str("</div>\n");
}

/// The JSON object the script reads.
fn script_data(r: &ReportInput, clock: &Clock, proj: &Projection) -> serde_json::Value {
    let inst = r.instance;
    let d = r.detail;
    let slots = d.slots;
    let g_max = inst.objective().max_presence_value();
    let risk_max = inst
        .regions()
        .iter()
        .flat_map(|x| x.risk.iter().copied())
        .fold(0.0, f64::max);
    let footfall_max = inst
        .regions()
        .iter()
        .flat_map(|x| x.footfall.iter().copied())
        .fold(0.0, f64::max);
    let mut codes: [Vec<String>; 6] = Default::default();
    for (ri, region) in inst.regions().iter().enumerate() {
        let mut row: [Vec<u8>; 6] = Default::default();
        for s in 0..slots {
            let i = ri * slots + s;
            row[0].push(count(d.patrols[i]));
            row[1].push(level(inst.objective().presence_value(d.presence[i]), g_max));
            row[2].push(count(d.response_teams[i]));
            row[3].push(count(d.backup_teams[i]));
            row[4].push(level(region.risk[s], risk_max));
            row[5].push(level(region.footfall[s], footfall_max));
        }
        for (c, bytes) in codes.iter_mut().zip(row) {
            c.push(String::from_utf8(bytes).unwrap_or_default());
        }
    }
    let [pc, pv, rt, bt, rk, ff] = codes;

    // Response circles: per slot, (post, radius in map units) of each working mobile team.
    let km_per_unit = proj.km_per_unit();
    let occ: Vec<Vec<f64>> = (0..slots)
        .map(|s| {
            let mut v = Vec::new();
            for &(k, p) in &d.mobile[s] {
                let radius = inst
                    .travel()
                    .radius_km(inst.teams()[k].speed_kmh, inst.objective().response_minutes)
                    .map_or(0.0, |km| (km / km_per_unit * 10.0).round() / 10.0);
                v.push(f64::from(p));
                v.push(radius);
            }
            v
        })
        .collect();
    let post_xy: Vec<[f64; 2]> = inst
        .posts()
        .iter()
        .map(|p| {
            let (x, y) = proj.xy(p.point.x(), p.point.y());
            [(x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0]
        })
        .collect();

    // Timeline: groups by (kind, district); each team with its shifts as
    // [start, length, runs [location, count, ...], marks].
    let mut group_names: Vec<String> = inst
        .regions()
        .iter()
        .map(|x| x.group.clone().unwrap_or_default())
        .collect();
    group_names.sort();
    group_names.dedup();
    let group_of_region: Vec<usize> = inst
        .regions()
        .iter()
        .map(|x| {
            let g = x.group.clone().unwrap_or_default();
            group_names.binary_search(&g).unwrap_or(0)
        })
        .collect();
    let district = team_groups(inst, &group_of_region);
    // Escorts: the first professional patrol team in the same region-slot as a volunteer.
    let mut first_professional: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut volunteer_cells: BTreeMap<(usize, usize), ()> = BTreeMap::new();
    for (k, team) in inst.teams().iter().enumerate() {
        if team.kind != TeamKind::Patrol {
            continue;
        }
        for &(s, l) in &d.positions[k] {
            if team.volunteer {
                volunteer_cells.insert((l as usize, s), ());
            } else {
                first_professional.entry((l as usize, s)).or_insert(k);
            }
        }
    }
    let mut groups: BTreeMap<(u8, usize), Vec<usize>> = BTreeMap::new();
    for (k, team) in inst.teams().iter().enumerate() {
        let kind = match team.kind {
            TeamKind::Patrol => 0,
            TeamKind::Mobile => 1,
        };
        groups.entry((kind, district[k])).or_default().push(k);
    }
    let mut group_list = Vec::new();
    for ((kind, g), mut members) in groups {
        // Volunteers first, so that they and their escorts are easy to find.
        members.sort_by_key(|&k| (!inst.teams()[k].volunteer, k));
        let name = format!(
            "{} · {}",
            if kind == 0 { "patrol" } else { "mobile" },
            if group_names[g].is_empty() {
                "(no district)"
            } else {
                &group_names[g]
            }
        );
        group_list.push(json!([name, members]));
    }
    let teams: Vec<serde_json::Value> = inst
        .teams()
        .iter()
        .enumerate()
        .map(|(k, team)| {
            let code = match (team.kind, team.volunteer) {
                (TeamKind::Patrol, false) => 0,
                (TeamKind::Patrol, true) => 1,
                (TeamKind::Mobile, _) => 2,
            };
            let shifts: Vec<serde_json::Value> = r
                .input
                .schedule
                .team_shifts(k)
                .iter()
                .map(|sh| {
                    let mut runs: Vec<i64> = Vec::new();
                    for &l in &sh.at {
                        let l = if (l as usize) < inst.nodes(team.kind).len() {
                            i64::from(l)
                        } else {
                            -1
                        };
                        match runs.len() {
                            n if n >= 2 && runs[n - 2] == l => runs[n - 1] += 1,
                            _ => runs.extend([l, 1]),
                        }
                    }
                    // Marks: professional = offsets where it escorts a volunteer;
                    // volunteer = the escort team per offset (-1 none).
                    let marks: Vec<i64> = match (team.kind, team.volunteer) {
                        (TeamKind::Patrol, false) => (0..sh.at.len())
                            .filter(|&i| {
                                let s = sh.start + i;
                                let l = sh.at[i] as usize;
                                volunteer_cells.contains_key(&(l, s))
                            })
                            .map(|i| i as i64)
                            .collect(),
                        (TeamKind::Patrol, true) => (0..sh.at.len())
                            .map(|i| {
                                first_professional
                                    .get(&(sh.at[i] as usize, sh.start + i))
                                    .map_or(-1, |&e| e as i64)
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    json!([sh.start, sh.at.len(), runs, marks])
                })
                .collect();
            json!([team.id, code, shifts])
        })
        .collect();
    let labels: Vec<String> = (0..slots).map(|s| clock.label(s)).collect();
    let day_starts: Vec<usize> = (0..slots)
        .filter(|&s| {
            let l = clock.label(s);
            s == 0 || (clock.has_times() && l.ends_with("00:00"))
        })
        .collect();
    json!({
        "slots": slots,
        "labels": labels,
        "dayStarts": day_starts,
        "regions": inst.regions().iter().map(|x| json!([x.id, x.name, x.group])).collect::<Vec<_>>(),
        "posts": inst.posts().iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        "postXY": post_xy,
        "pc": pc, "pv": pv, "rt": rt, "bt": bt, "rk": rk, "ff": ff,
        "riskMax": risk_max,
        "footfallMax": footfall_max,
        "occ": occ,
        "responseMinutes": inst.objective().response_minutes,
        "backupMinutes": inst.objective().backup_minutes,
        "groups": group_list,
        "teams": teams,
    })
}
