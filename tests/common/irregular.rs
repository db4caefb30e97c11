//! The irregular test family: instances unlike the presets, written from MODEL.md alone.
//!
//! The presets are regular (hourly slots, one or two rule sets, haversine travel, reach
//! that rarely binds). This family varies everything a planner may write in one file:
//! several rule sets per instance, slot lengths from 15 to 120 minutes, reach and hop
//! limits placed between observed travel times so that they bind, matrix travel with
//! `null` (unreachable) entries as well as haversine with a detour factor, fractional
//! effectiveness, volunteers with and without the escort rule, `min_patrol`
//! requirements in regions that volunteers can reach as well as professionals, posts of
//! capacity 1-3, availability with gaps, mobile teams.
//!
//! Every instance is feasible by construction: a random *witness* plan is drawn first
//! (professionals only, plus volunteers when the escort rule is off, each keeping its
//! own rules with a margin), and every `min_patrol` requirement is read off it.
//!
//! Deterministic per `(size, seed)`: one ChaCha8 stream, no hash maps, values rounded
//! to short decimals before they are written. This file depends only on `rand`,
//! `rand_chacha` and `serde_json` so that `examples/irregular_family.rs` can include it
//! with `#[path]`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// Size class of a generated instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 3-6 regions, 2-6 teams, 8-16 slots: optima provable in seconds.
    Tiny,
    /// 10-20 regions, 8-15 teams, 24 slots: what CP-SAT proves in seconds to minutes.
    Small,
}

impl Size {
    /// The name used in instance names and file names.
    pub fn name(self) -> &'static str {
        match self {
            Size::Tiny => "tiny",
            Size::Small => "small",
        }
    }
}

const EARTH_RADIUS_KM: f64 = 6371.0;
const SLOT_MINUTES: [u32; 7] = [15, 20, 30, 45, 60, 90, 120];
const MARGINALS: [&[f64]; 5] = [
    &[1.0, 0.5, 0.25],
    &[1.0, 0.6],
    &[1.0],
    &[1.0, 0.7, 0.4, 0.1],
    &[1.0, 0.3],
];
const PRO_EFFECTIVENESS: [f64; 5] = [1.0, 1.0, 0.9, 0.8, 0.7];
const VOLUNTEER_EFFECTIVENESS: [f64; 4] = [0.4, 0.5, 0.6, 0.75];

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

fn great_circle_km(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lon1, lat1) = (a[0].to_radians(), a[1].to_radians());
    let (lon2, lat2) = (b[0].to_radians(), b[1].to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// A threshold strictly between two observed travel times (so that no time sits on
/// the edge, where rounding could decide), near quantile `q` of `times`.
fn threshold_between(times: &[f64], q: f64) -> f64 {
    let mut t: Vec<f64> = times.iter().copied().filter(|x| x.is_finite()).collect();
    t.sort_by(f64::total_cmp);
    t.dedup_by(|a, b| (*a - *b).abs() < 0.05);
    if t.is_empty() {
        return 1.0;
    }
    if t.len() == 1 {
        return round_to(t[0] + 1.0, 2);
    }
    let i = ((q * (t.len() - 1) as f64).floor() as usize).min(t.len() - 2);
    round_to((t[i] + t[i + 1]) / 2.0, 2)
}

/// Where things are and how long travel takes, as the generator sees it.
struct Geography {
    /// Region points then post points.
    points: Vec<[f64; 2]>,
    regions: usize,
    /// `Some(minutes)` for matrix travel (row-major over `points`), else haversine.
    matrix: Option<Vec<Option<f64>>>,
    detour: f64,
}

impl Geography {
    /// Travel minutes between two node indices (regions then posts) at `speed_kmh`;
    /// infinity when unreachable.
    fn minutes(&self, a: usize, b: usize, speed_kmh: f64) -> f64 {
        match &self.matrix {
            Some(m) => m[a * self.points.len() + b].unwrap_or(f64::INFINITY),
            None => {
                great_circle_km(self.points[a], self.points[b]) * self.detour / speed_kmh * 60.0
            }
        }
    }
}

/// Per-team data the generator keeps to draw the witness.
struct TeamDraft {
    mobile: bool,
    volunteer: bool,
    speed: f64,
    /// Node indices the team may stand at (within reach, of its kind).
    allowed: Vec<usize>,
    rules: usize,
    available: Vec<(usize, usize)>,
}

/// Shift rules as drawn.
struct RuleDraft {
    name: String,
    min_shift: usize,
    max_shift: usize,
    rest: usize,
    max_work: usize,
    hop: f64,
}

/// One instance of the family (a `patrolplan.instance.v1` document).
pub fn generate(size: Size, seed: u64) -> Value {
    // Size and seed both feed the stream, so tiny-7 and small-7 are unrelated.
    let stream = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (size as u64 + 1);
    let mut rng = ChaCha8Rng::seed_from_u64(stream);
    let (n_regions, n_teams, slots, n_posts, max_mobile, spread_km) = match size {
        Size::Tiny => (
            rng.random_range(3..=6usize),
            rng.random_range(2..=6usize),
            rng.random_range(8..=16usize),
            rng.random_range(1..=3usize),
            2usize,
            3.0,
        ),
        Size::Small => (
            rng.random_range(10..=20usize),
            rng.random_range(8..=15usize),
            24,
            rng.random_range(3..=8usize),
            4,
            8.0,
        ),
    };
    let slot_minutes = SLOT_MINUTES[rng.random_range(0..SLOT_MINUTES.len())];

    // Geography: a cluster around a random centre in Jiangsu, some regions as squares.
    let centre = [
        round_to(rng.random_range(117.0..121.0), 3),
        round_to(rng.random_range(31.0..34.5), 3),
    ];
    let deg_lat = spread_km / 111.0;
    let deg_lon = deg_lat / centre[1].to_radians().cos();
    let mut points = Vec::new();
    for _ in 0..n_regions + n_posts {
        points.push([
            round_to(centre[0] + deg_lon * rng.random_range(-1.0..1.0), 5),
            round_to(centre[1] + deg_lat * rng.random_range(-1.0..1.0), 5),
        ]);
    }
    let matrix_travel = rng.random_bool(0.5);
    let detour = round_to(rng.random_range(1.0..1.6), 1);
    let n_nodes = points.len();
    let matrix = matrix_travel.then(|| {
        let null_share = rng.random_range(0.05..0.2);
        let mut m = vec![None; n_nodes * n_nodes];
        for a in 0..n_nodes {
            for b in 0..n_nodes {
                m[a * n_nodes + b] = if a == b {
                    Some(0.0)
                } else if rng.random_bool(null_share) {
                    None
                } else {
                    let km = great_circle_km(points[a], points[b]) * 1.3;
                    // Asymmetric: one-way streets, hills.
                    let factor = rng.random_range(0.8..1.4);
                    Some(round_to(km / 18.0 * 60.0 * factor + 0.5, 1))
                };
            }
        }
        m
    });
    let geo = Geography {
        points: points.clone(),
        regions: n_regions,
        matrix,
        detour,
    };

    // Rule sets: 2-3, each different in shape.
    let n_rules = rng.random_range(2..=3usize);
    let mut rules: Vec<RuleDraft> = Vec::new();
    for i in 0..n_rules {
        let min_shift = rng.random_range(1..=3usize.min(slots / 3));
        let max_shift = (min_shift + rng.random_range(0..=4usize)).min(slots);
        let rest = rng.random_range(1..=4usize);
        let max_work = rng.random_range(max_shift..=(2 * max_shift + 2).min(slots).max(max_shift));
        rules.push(RuleDraft {
            name: ["day", "night", "short", "long"][i].to_string(),
            min_shift,
            max_shift,
            rest,
            max_work,
            hop: 0.0,
        });
    }

    // Teams.
    let n_mobile = if n_posts == 0 {
        0
    } else {
        rng.random_range(0..=max_mobile.min(n_teams - 1))
    };
    let n_patrol = n_teams - n_mobile;
    let n_volunteers = if n_patrol >= 2 && rng.random_bool(0.75) {
        rng.random_range(1..=(n_patrol / 2).clamp(1, 3))
    } else {
        0
    };
    let escort = rng.random_bool(0.6);
    let mut drafts: Vec<TeamDraft> = Vec::new();
    let mut teams_json: Vec<Value> = Vec::new();
    for k in 0..n_teams {
        let mobile = k >= n_patrol;
        let volunteer = !mobile && k >= n_patrol - n_volunteers;
        let id = if mobile {
            format!("M{}", k - n_patrol + 1)
        } else if volunteer {
            format!("V{}", k - (n_patrol - n_volunteers) + 1)
        } else {
            format!("T{}", k + 1)
        };
        let base = if mobile {
            n_regions + rng.random_range(0..n_posts)
        } else {
            rng.random_range(0..n_regions)
        };
        let speed = if mobile {
            round_to(rng.random_range(20.0..45.0), 0)
        } else {
            round_to(rng.random_range(4.0..16.0), 0)
        };
        let kind_nodes: Vec<usize> = if mobile {
            (n_regions..n_nodes).collect()
        } else {
            (0..n_regions).collect()
        };
        // A base given as coordinates (haversine only), ~200 m off its node.
        let coordinate_base = (geo.matrix.is_none() && rng.random_bool(0.3)).then(|| {
            [
                round_to(points[base][0] + 0.002, 5),
                round_to(points[base][1] - 0.001, 5),
            ]
        });
        let base_times: Vec<f64> = kind_nodes
            .iter()
            .map(|&l| match coordinate_base {
                Some(b) => great_circle_km(b, points[l]) * detour / speed * 60.0,
                None => geo.minutes(base, l, speed),
            })
            .collect();
        // Reach binds for most teams: between two observed times.
        let reach = rng
            .random_bool(0.75)
            .then(|| threshold_between(&base_times, rng.random_range(0.4..0.85)));
        let allowed: Vec<usize> = kind_nodes
            .iter()
            .zip(&base_times)
            .filter(|(_, &t)| reach.is_none_or(|r| t <= r - 1e-6) && t.is_finite())
            .map(|(&l, _)| l)
            .collect();
        let reach = if allowed.is_empty() { None } else { reach };
        let allowed = if allowed.is_empty() {
            kind_nodes.clone()
        } else {
            allowed
        };
        let effectiveness = if volunteer {
            VOLUNTEER_EFFECTIVENESS[rng.random_range(0..VOLUNTEER_EFFECTIVENESS.len())]
        } else if mobile {
            1.0
        } else {
            PRO_EFFECTIVENESS[rng.random_range(0..PRO_EFFECTIVENESS.len())]
        };
        let rule = rng.random_range(0..n_rules);
        // Availability: whole horizon, a window, or two ranges with a gap.
        let available: Vec<(usize, usize)> = match rng.random_range(0..4) {
            0 | 1 if !volunteer => vec![(0, slots)],
            2 => {
                // A gap of 1 to slots/4 slots somewhere in the middle.
                let a = rng.random_range(slots / 4..=slots / 2);
                let b = a + rng.random_range(1..=slots / 4);
                vec![(0, a), (b, slots)]
            }
            _ => {
                // A window of at least half the horizon.
                let a = rng.random_range(0..=slots / 2);
                let b = rng.random_range(a + slots / 2..=slots);
                vec![(a, b)]
            }
        };
        let base_json = if let Some(b) = coordinate_base {
            json!(b)
        } else if mobile {
            json!(format!("P{}", base - n_regions + 1))
        } else {
            json!(format!("R{}", base + 1))
        };
        let mut team = json!({
            "id": id,
            "kind": if mobile { "mobile" } else { "patrol" },
            "members": rng.random_range(1..=6u32),
            "base": base_json,
            "speed_kmh": speed,
            "rules": rules[rule].name,
        });
        if volunteer {
            team["volunteer"] = json!(true);
        }
        if effectiveness != 1.0 || rng.random_bool(0.2) {
            team["effectiveness"] = json!(effectiveness);
        }
        if let Some(r) = reach {
            team["reach_minutes"] = json!(r);
        }
        if available != [(0, slots)] || rng.random_bool(0.2) {
            team["available"] = json!(available.iter().map(|&(a, b)| [a, b]).collect::<Vec<_>>());
        }
        teams_json.push(team);
        drafts.push(TeamDraft {
            mobile,
            volunteer,
            speed,
            allowed,
            rules: rule,
            available,
        });
    }

    // Hop per rule set: between observed region-to-region times of the patrol teams.
    for (i, rule) in rules.iter_mut().enumerate() {
        let mut times = Vec::new();
        for d in drafts.iter().filter(|d| d.rules == i && !d.mobile) {
            for a in 0..n_regions {
                for b in 0..n_regions {
                    if a != b {
                        times.push(geo.minutes(a, b, d.speed));
                    }
                }
            }
        }
        if times.is_empty() {
            times = (0..n_regions * n_regions)
                .filter(|x| x / n_regions != x % n_regions)
                .map(|x| geo.minutes(x / n_regions, x % n_regions, 10.0))
                .collect();
        }
        rule.hop = threshold_between(&times, rng.random_range(0.25..0.8));
    }

    // Witness: per team a random plan keeping its own rules; volunteers only without
    // the escort rule; mobile teams stay off (capacity holds trivially).
    let mut count = vec![0usize; n_regions * slots];
    for d in &drafts {
        if d.mobile || (d.volunteer && escort) {
            continue;
        }
        let rule = &rules[d.rules];
        let witness = draw_witness(&mut rng, &geo, d, rule, slots);
        for (s, l) in witness.iter().enumerate() {
            if let Some(r) = l {
                count[r * slots + s] += 1;
            }
        }
    }
    let volunteer_regions: Vec<bool> = (0..n_regions)
        .map(|r| drafts.iter().any(|d| d.volunteer && d.allowed.contains(&r)))
        .collect();
    // Requirements: 1-3 (tiny) or 3-8 (small), preferring regions volunteers can reach.
    let n_req = match size {
        Size::Tiny => rng.random_range(1..=3usize),
        Size::Small => rng.random_range(3..=8usize),
    };
    let mut taken = vec![false; n_regions * slots];
    let mut requirements: Vec<Vec<Value>> = vec![Vec::new(); n_regions];
    let candidates: Vec<usize> = (0..n_regions * slots).filter(|&i| count[i] > 0).collect();
    for _ in 0..n_req * 4 {
        if requirements.iter().map(Vec::len).sum::<usize>() >= n_req || candidates.is_empty() {
            break;
        }
        let i = candidates[rng.random_range(0..candidates.len())];
        let (r, s) = (i / slots, i % slots);
        if taken[i] || (!volunteer_regions[r] && rng.random_bool(0.6)) {
            continue;
        }
        let teams = if count[i] >= 2 && rng.random_bool(0.3) {
            2
        } else {
            1
        };
        let mut to = s + 1;
        let len = rng.random_range(1..=4usize);
        while to < slots && to - s < len && count[r * slots + to] >= teams && !taken[r * slots + to]
        {
            to += 1;
        }
        for t in s..to {
            taken[r * slots + t] = true;
        }
        requirements[r].push(json!({ "from": s, "to": to, "teams": teams }));
    }

    // Regions: risk with a rhythm and zeros, footfall of several shapes.
    let peak = rng.random_range(0..slots);
    let mut regions_json = Vec::new();
    for r in 0..n_regions {
        let level = rng.random_range(0.2..3.0);
        let risk: Vec<f64> = (0..slots)
            .map(|s| {
                let d = (s as f64 - peak as f64).abs() / slots as f64;
                let v = level * (1.2 - d) * rng.random_range(0.3..1.3);
                if rng.random_bool(0.15) {
                    0.0
                } else {
                    round_to(v.max(0.0), 2)
                }
            })
            .collect();
        let mut region = json!({ "id": format!("R{}", r + 1), "risk": risk });
        if rng.random_bool(0.3) && geo.matrix.is_none() {
            let [x, y] = points[r];
            let h = 0.001;
            region["boundary"] = json!({ "type": "Polygon", "coordinates": [[
                [x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]
            ]]});
        } else {
            region["location"] = json!(points[r]);
        }
        match rng.random_range(0..3) {
            0 => {}
            1 => region["population"] = json!(rng.random_range(100..20_000u32)),
            _ => {
                let f: Vec<f64> = (0..slots)
                    .map(|_| round_to(rng.random_range(0.0..500.0), 0))
                    .collect();
                region["footfall"] = json!(f);
            }
        }
        if !requirements[r].is_empty() {
            region["min_patrol"] = json!(requirements[r]);
        }
        regions_json.push(region);
    }
    let posts_json: Vec<Value> = (0..n_posts)
        .map(|p| {
            let mut post =
                json!({ "id": format!("P{}", p + 1), "location": points[n_regions + p] });
            let cap = rng.random_range(1..=3u32);
            if cap != 1 || rng.random_bool(0.3) {
                post["capacity"] = json!(cap);
            }
            post
        })
        .collect();

    // Objective: response and backup standards between observed post-region times.
    let mut cover_times = Vec::new();
    for d in drafts.iter().filter(|d| d.mobile) {
        for p in n_regions..n_nodes {
            for r in 0..n_regions {
                cover_times.push(geo.minutes(p, r, d.speed));
            }
        }
    }
    let response = threshold_between(&cover_times, rng.random_range(0.2..0.6));
    let backup = threshold_between(&cover_times, rng.random_range(0.5..0.9)).max(response);
    let marginals = MARGINALS[rng.random_range(0..MARGINALS.len())];
    let objective = json!({
        "presence_marginals": marginals,
        "risk_weight": 1.0,
        "footfall_weight": round_to(rng.random_range(0.0..0.5), 2),
        "response_minutes": response,
        "response_weight": round_to(rng.random_range(0.3..2.0), 1),
        "backup_minutes": backup,
        "backup_weight": round_to(rng.random_range(0.0..0.6), 1),
        "volunteers_need_professional": escort,
    });

    let mut shift_rules = serde_json::Map::new();
    for rule in &rules {
        shift_rules.insert(
            rule.name.clone(),
            json!({
                "min_shift_slots": rule.min_shift,
                "max_shift_slots": rule.max_shift,
                "min_rest_slots": rule.rest,
                "max_work_slots": rule.max_work,
                "max_hop_minutes": rule.hop,
            }),
        );
    }
    let travel = match &geo.matrix {
        None => json!({ "model": "haversine", "detour_factor": detour }),
        Some(m) => {
            let ids: Vec<String> = (0..n_regions)
                .map(|r| format!("R{}", r + 1))
                .chain((0..n_posts).map(|p| format!("P{}", p + 1)))
                .collect();
            let rows: Vec<Vec<Option<f64>>> = m.chunks(n_nodes).map(<[_]>::to_vec).collect();
            json!({ "model": "matrix", "ids": ids, "minutes": rows })
        }
    };
    json!({
        "format": "patrolplan.instance.v1",
        "name": format!("irregular-{}-{seed}", size.name()),
        "horizon": { "slot_minutes": slot_minutes, "slots": slots },
        "travel": travel,
        "regions": regions_json,
        "posts": posts_json,
        "shift_rules": Value::Object(shift_rules),
        "teams": teams_json,
        "objective": objective,
    })
}

/// A random plan of one patrol team keeping its own rules (availability, reach, shift
/// length, rest, work limit, hop), with a margin on every travel threshold.
fn draw_witness(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    d: &TeamDraft,
    rule: &RuleDraft,
    slots: usize,
) -> Vec<Option<usize>> {
    let allowed: Vec<usize> = d
        .allowed
        .iter()
        .copied()
        .filter(|&l| l < geo.regions)
        .collect();
    let mut plan = vec![None; slots];
    let mut worked = 0;
    let mut s = 0;
    let mut first = true;
    while s < slots && !allowed.is_empty() {
        // Skip ahead a random idle stretch (at least the rest after a shift).
        let gap = if first {
            rng.random_range(0..=slots / 3)
        } else {
            rule.rest + rng.random_range(0..=2)
        };
        first = false;
        s += gap;
        let len = rng.random_range(rule.min_shift..=rule.max_shift);
        if s + len > slots || worked + len > rule.max_work {
            break;
        }
        if !d.available.iter().any(|&(a, b)| a <= s && s + len <= b) {
            s += 1;
            continue;
        }
        let mut at = allowed[rng.random_range(0..allowed.len())];
        for (t, slot) in plan.iter_mut().enumerate().skip(s).take(len) {
            if t > s {
                let next: Vec<usize> = allowed
                    .iter()
                    .copied()
                    .filter(|&l| geo.minutes(at, l, d.speed) <= rule.hop - 1e-6)
                    .collect();
                if !next.is_empty() && rng.random_bool(0.5) {
                    at = next[rng.random_range(0..next.len())];
                }
            }
            *slot = Some(at);
        }
        worked += len;
        s += len;
    }
    plan
}

/// A pure maximal covering case: one slot, only mobile teams at posts of capacity 1
/// (some 2), risk-weighted demand regions, haversine travel, response and backup
/// standards that each post covers a part of the demand within (maximal covering with
/// a backup term where `backup_weight > 0`).
pub fn covering(seed: u64) -> Value {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x5eed);
    // Seeds 1-4: 30-60 demand points; 5-8 the sizes of the classic sets (55 to 324
    // points, 3-15 facilities); from 9 on up to 818 points.
    let (n_regions, n_posts, n_teams) = if seed <= 4 {
        (
            rng.random_range(30..=60usize),
            rng.random_range(10..=20usize),
            rng.random_range(2..=6usize),
        )
    } else if seed >= 9 {
        (
            rng.random_range(400..=818usize),
            rng.random_range(40..=100usize),
            rng.random_range(3..=15usize),
        )
    } else {
        (
            rng.random_range(55..=324usize),
            rng.random_range(25..=60usize),
            rng.random_range(3..=15usize),
        )
    };
    let centre: [f64; 2] = [118.78, 32.04];
    let spread_km = 6.0;
    let deg_lat = spread_km / 111.0;
    let deg_lon = deg_lat / centre[1].to_radians().cos();
    let point = |rng: &mut ChaCha8Rng| {
        [
            round_to(centre[0] + deg_lon * rng.random_range(-1.0..1.0), 5),
            round_to(centre[1] + deg_lat * rng.random_range(-1.0..1.0), 5),
        ]
    };
    let regions: Vec<[f64; 2]> = (0..n_regions).map(|_| point(&mut rng)).collect();
    let posts: Vec<[f64; 2]> = (0..n_posts).map(|_| point(&mut rng)).collect();
    let speed = 30.0;
    let detour = 1.3;
    let times: Vec<f64> = posts
        .iter()
        .flat_map(|p| {
            regions
                .iter()
                .map(move |r| great_circle_km(*p, *r) * detour / speed * 60.0)
        })
        .collect();
    let response = threshold_between(&times, rng.random_range(0.1..0.25));
    let backup = threshold_between(&times, rng.random_range(0.25..0.45));
    let regions_json: Vec<Value> = regions
        .iter()
        .enumerate()
        .map(|(r, p)| {
            json!({ "id": format!("D{}", r + 1), "location": p,
                    "risk": round_to(rng.random_range(0.1..5.0), 2) })
        })
        .collect();
    let posts_json: Vec<Value> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cap = if rng.random_bool(0.2) { 2 } else { 1 };
            json!({ "id": format!("F{}", i + 1), "location": p, "capacity": cap })
        })
        .collect();
    let teams_json: Vec<Value> = (0..n_teams)
        .map(|k| {
            json!({ "id": format!("M{}", k + 1), "kind": "mobile", "members": 4,
                    "base": format!("F{}", k % n_posts + 1), "speed_kmh": speed, "rules": "one" })
        })
        .collect();
    json!({
        "format": "patrolplan.instance.v1",
        "name": format!("irregular-covering-{seed}"),
        "horizon": { "slot_minutes": 60, "slots": 1 },
        "travel": { "model": "haversine", "detour_factor": detour },
        "regions": regions_json,
        "posts": posts_json,
        "shift_rules": { "one": { "min_shift_slots": 1, "max_shift_slots": 1, "min_rest_slots": 1,
                                  "max_work_slots": 1, "max_hop_minutes": 0 } },
        "teams": teams_json,
        "objective": {
            "response_minutes": response,
            "response_weight": 1.0,
            "backup_minutes": backup,
            "backup_weight": round_to(rng.random_range(0.0..0.5), 1),
        },
    })
}

/// The text written for an instance: compact JSON with one trailing newline, so that
/// stored files can be compared byte for byte with a fresh generation.
pub fn to_text(value: &Value) -> String {
    let mut s = serde_json::to_string(value).expect("a JSON value serialises");
    s.push('\n');
    s
}
