//! End-to-end tests of the scenario presets: sizes from the contract (section 7),
//! determinism, validity, and the shipped `data/*.json` files.

use std::collections::BTreeMap;
use std::process::Command;

use patrolplan::generate::{generate, to_json, Preset};
use patrolplan::model::raw::{BaseSpec, InstanceFile, PerSlot, TeamKind, TeamSpec};
use patrolplan::Instance;

/// What the contract counts for a preset.
#[derive(Debug)]
struct Totals {
    regions: usize,
    posts: usize,
    slots: usize,
    patrol_teams: usize,
    patrol_members: u64,
    mobile_teams: usize,
    mobile_members: u64,
    volunteer_groups: usize,
    /// Per day of the horizon: volunteer groups and members out that day (a group counts
    /// on a day when one of its availability windows falls in that day).
    volunteers_by_day: Vec<(usize, u64)>,
}

fn members(t: &TeamSpec) -> u64 {
    t.members.as_u64().expect("whole members")
}

fn totals(f: &InstanceFile) -> Totals {
    let slots = f.horizon.slots.as_u64().unwrap() as usize;
    let of = |kind: TeamKind, vol: bool| {
        f.teams
            .iter()
            .filter(move |t| t.kind == kind && t.volunteer == vol)
    };
    let volunteers_by_day = (0..slots.div_ceil(24))
        .map(|d| {
            let (a, b) = (d * 24, (d * 24 + 24).min(slots));
            let out: Vec<&TeamSpec> = of(TeamKind::Patrol, true)
                .filter(|t| {
                    let ranges = t.available.as_ref().expect("volunteers have windows");
                    ranges.iter().any(|[x, y]| {
                        let (x, y) = (x.as_u64().unwrap() as usize, y.as_u64().unwrap() as usize);
                        x < b && a < y
                    })
                })
                .collect();
            (out.len(), out.iter().map(|t| members(t)).sum())
        })
        .collect();
    Totals {
        regions: f.regions.len(),
        posts: f.posts.len(),
        slots,
        patrol_teams: of(TeamKind::Patrol, false).count(),
        patrol_members: of(TeamKind::Patrol, false).map(members).sum(),
        mobile_teams: of(TeamKind::Mobile, false).count(),
        mobile_members: of(TeamKind::Mobile, false).map(members).sum(),
        volunteer_groups: of(TeamKind::Patrol, true).count(),
        volunteers_by_day,
    }
}

/// Checks that hold for every preset; returns the validated instance.
fn check_structure(preset: Preset, f: &InstanceFile) -> Instance {
    let inst = Instance::from_file(f).unwrap_or_else(|e| panic!("{preset} does not validate: {e}"));
    let slots = inst.slots();
    // Every region has a small polygon, a point and per-slot series.
    for r in &f.regions {
        let Some(geojson::Geometry {
            value: geojson::Value::Polygon(rings),
            ..
        }) = &r.boundary
        else {
            panic!("{} has no polygon", r.id);
        };
        assert!(
            (7..=11).contains(&rings[0].len()),
            "{} has {} ring positions",
            r.id,
            rings[0].len()
        );
        assert!(r.location.is_some() && r.group.is_some());
        for series in [&r.risk, r.footfall.as_ref().unwrap()] {
            assert!(matches!(series, PerSlot::Series(v) if v.len() == slots));
        }
    }
    // Bases are ids, and teams at one base are identical (so a bound can aggregate them).
    let mut classes: BTreeMap<String, String> = BTreeMap::new();
    for t in &f.teams {
        let BaseSpec::Id(base) = &t.base else {
            panic!("{} has a coordinate base", t.id)
        };
        let mut shape = t.clone();
        shape.id = String::new();
        let key = format!("{base}/{:?}/{}", t.kind, t.volunteer);
        let value = serde_json::to_string(&shape).unwrap();
        if let Some(seen) = classes.insert(key.clone(), value.clone()) {
            assert_eq!(seen, value, "teams at {key} differ");
        }
    }
    // Professional patrol teams reach a handful to a few dozen regions.
    for (k, t) in inst.teams().iter().enumerate() {
        if t.kind == TeamKind::Patrol && !t.volunteer {
            let n = inst.reach().locations(k).len();
            assert!(
                (1..=60).contains(&n) || inst.regions().len() <= 60,
                "{} reaches {n} regions",
                t.id
            );
            assert!(
                n >= 5.min(inst.regions().len()),
                "{} reaches only {n} regions",
                t.id
            );
        }
        if t.volunteer {
            assert!(t.effectiveness < 1.0 && t.effectiveness >= 0.5);
        }
    }
    inst
}

fn check_small_preset(preset: Preset) {
    let f = generate(preset, 1);
    check_structure(preset, &f);
    let size = preset.size();
    let t = totals(&f);
    assert_eq!(t.slots, size.slots);
    assert_eq!(t.posts, size.posts);
    assert_eq!(t.patrol_teams, size.patrol_teams);
    assert_eq!(t.patrol_members, 5 * size.patrol_teams as u64);
    assert_eq!(t.mobile_teams, size.mobile_teams);
    assert_eq!(t.mobile_members, 6 * size.mobile_teams as u64);
    assert_eq!(t.volunteer_groups, size.volunteer_groups);
    for &(groups, members) in &t.volunteers_by_day {
        assert_eq!(groups, size.volunteer_groups);
        assert_eq!(members, 5 * size.volunteer_groups as u64);
    }
}

#[test]
fn tiny_matches_the_contract_table() {
    check_small_preset(Preset::Tiny);
    assert_eq!(totals(&generate(Preset::Tiny, 1)).regions, 6);
}

#[test]
fn small_matches_the_contract_table() {
    check_small_preset(Preset::Small);
    let f = generate(Preset::Small, 1);
    assert_eq!(f.regions.len(), 30);
    let groups: std::collections::BTreeSet<_> =
        f.regions.iter().map(|r| r.group.clone().unwrap()).collect();
    assert_eq!(groups.len(), 4, "Nanjing's four central districts");
}

#[test]
fn nanjing_matches_the_contract_table() {
    check_small_preset(Preset::Nanjing);
    let f = generate(Preset::Nanjing, 1);
    assert!((95..=105).contains(&f.regions.len()));
    let groups: std::collections::BTreeSet<_> =
        f.regions.iter().map(|r| r.group.clone().unwrap()).collect();
    assert_eq!(groups.len(), 11, "Nanjing's 11 districts");
    let pop: f64 = f.regions.iter().filter_map(|r| r.population).sum();
    assert!(
        (pop - 9_314_685.0).abs() / 9_314_685.0 < 0.001,
        "census population {pop}"
    );
}

/// Generation and validation of the full province take a few seconds in a debug build.
#[test]
fn jiangsu_matches_the_contract_table() {
    let f = generate(Preset::Jiangsu, 1);
    let inst = check_structure(Preset::Jiangsu, &f);
    let t = totals(&f);
    assert!(
        (1_200..=1_300).contains(&t.regions),
        "{} regions",
        t.regions
    );
    assert_eq!(t.slots, 168);
    assert!(
        (t.patrol_members as f64 - 130_000.0).abs() <= 1_300.0,
        "{} patrol members",
        t.patrol_members
    );
    assert_eq!(t.mobile_members, 6_000);
    assert_eq!(t.mobile_teams, 1_000);
    assert!((2_400..=2_800).contains(&t.posts));
    assert_eq!(t.volunteers_by_day.len(), 7);
    for &(groups, members) in &t.volunteers_by_day {
        assert_eq!((groups, members), (1_600, 8_000));
    }
    let groups: std::collections::BTreeSet<_> =
        f.regions.iter().map(|r| r.group.clone().unwrap()).collect();
    assert_eq!(groups.len(), 13, "Jiangsu's 13 cities");
    // The jiangsu solver relies on small reach lists.
    let patrol: Vec<usize> = (0..inst.teams().len())
        .filter(|&k| inst.teams()[k].kind == TeamKind::Patrol)
        .collect();
    let mean = patrol
        .iter()
        .map(|&k| inst.reach().locations(k).len())
        .sum::<usize>() as f64
        / patrol.len() as f64;
    assert!(mean < 20.0, "mean reach {mean}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_instance() {
    for preset in [Preset::Tiny, Preset::Small, Preset::Nanjing] {
        let a = to_json(&generate(preset, 42), false);
        let b = to_json(&generate(preset, 42), false);
        assert_eq!(a, b, "{preset} is not deterministic");
        let c = to_json(&generate(preset, 43), false);
        assert_ne!(a, c, "{preset} ignores the seed");
        assert_eq!(
            to_json(&generate(preset, 42), true),
            to_json(&generate(preset, 42), true)
        );
    }
}

#[test]
fn every_seed_gives_a_valid_instance() {
    for seed in [0, 2, 3, 99, u64::MAX] {
        for preset in [Preset::Tiny, Preset::Small] {
            check_structure(preset, &generate(preset, seed));
        }
    }
}

#[test]
fn shipped_data_files_are_the_seed_1_presets() {
    for (preset, file) in [
        (Preset::Tiny, "tiny"),
        (Preset::Small, "small"),
        (Preset::Nanjing, "nanjing"),
    ] {
        let path = format!("{}/data/{file}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let shipped: serde_json::Value = serde_json::from_str(&text).unwrap();
        let fresh = serde_json::to_value(generate(preset, 1)).unwrap();
        assert!(
            shipped == fresh,
            "{path} differs from `patrolplan generate --preset {file} --seed 1`"
        );
        patrolplan::load_instance(&path).unwrap();
    }
}

/// Sum of a per-slot series over the regions of one kind (named in the region name).
fn total(f: &InstanceFile, kind: &str, risk: bool, slot: usize) -> f64 {
    f.regions
        .iter()
        .filter(|r| {
            r.name
                .as_deref()
                .is_some_and(|n| n.ends_with(&format!("({kind})")))
        })
        .map(|r| {
            let series = if risk {
                &r.risk
            } else {
                r.footfall.as_ref().unwrap()
            };
            match series {
                PerSlot::Series(v) => v[slot],
                PerSlot::Scalar(x) => *x,
            }
        })
        .sum()
}

#[test]
fn rhythms_show_in_the_nanjing_week() {
    let f = generate(Preset::Nanjing, 1);
    let (mon, tue, fri, sat) = (0, 24, 4 * 24, 5 * 24);
    assert!(
        total(&f, "station", false, mon + 8) > 3.0 * total(&f, "station", false, mon + 3),
        "commuter peak"
    );
    assert!(
        total(&f, "mall", false, sat + 15) > 1.3 * total(&f, "mall", false, tue + 15),
        "weekend shopping"
    );
    assert!(
        total(&f, "nightlife", true, sat + 1) > 1.2 * total(&f, "nightlife", true, tue + 1),
        "Friday night"
    );
    assert!(
        total(&f, "nightlife", true, fri + 23) > 2.0 * total(&f, "nightlife", true, fri + 10),
        "late nights"
    );
    assert!(
        total(&f, "school", false, mon + 7) > 2.0 * total(&f, "school", false, sat + 7),
        "school days"
    );
    // Dense central streets carry more risk than the outer districts.
    let mean_risk = |districts: &[&str]| {
        let rs: Vec<f64> = f
            .regions
            .iter()
            .filter(|r| districts.contains(&r.group.as_deref().unwrap()))
            .map(|r| match &r.risk {
                PerSlot::Series(v) => v.iter().sum::<f64>(),
                PerSlot::Scalar(x) => *x,
            })
            .collect();
        rs.iter().sum::<f64>() / rs.len() as f64
    };
    assert!(mean_risk(&["Xuanwu", "Qinhuai", "Gulou"]) > mean_risk(&["Luhe", "Lishui", "Gaochun"]));
}

#[test]
fn hot_spots_have_requirements_sized_by_professionals() {
    let f = generate(Preset::Nanjing, 1);
    let schools: Vec<_> = f
        .regions
        .iter()
        .filter(|r| r.name.as_deref().unwrap().ends_with("(school)"))
        .collect();
    assert!(schools.iter().any(|r| !r.min_patrol.is_empty()));
    for r in &schools {
        for m in &r.min_patrol {
            let from = m.from.as_u64().unwrap() % 24;
            assert!(from == 7 || from == 15, "school requirement at {from}:00");
        }
    }
    // With escort required and every volunteer removed, requirements still validate.
    let mut pros_only = f.clone();
    pros_only.teams.retain(|t| !t.volunteer);
    Instance::from_file(&pros_only).expect("requirements are met by professionals alone");
}

#[test]
fn cli_writes_a_valid_instance_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tiny.json");
    let status = Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(["generate", "--preset", "tiny", "--seed", "5", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, to_json(&generate(Preset::Tiny, 5), false));
    let validate = Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .arg("validate")
        .arg(&out)
        .output()
        .unwrap();
    assert!(validate.status.success());
    let bad = Command::new(env!("CARGO_BIN_EXE_patrolplan"))
        .args(["generate", "--preset", "paris", "--out"])
        .arg(dir.path().join("x.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(!dir.path().join("x.json").exists());
}

/// Every preset must have a feasible schedule: requirements the construction cannot meet
/// are dropped by the generator (tiny seeds 7 and 8 asked seven one-shift teams of six).
#[test]
fn small_presets_have_feasible_schedules_for_many_seeds() {
    for seed in 1..=12 {
        for preset in [Preset::Tiny, Preset::Small] {
            let instance = patrolplan::Instance::from_file(&generate(preset, seed)).unwrap();
            let outcome = patrolplan::Solver::new(&instance)
                .threads(1)
                .iterations(0)
                .repair(false)
                // No deadline: the construction is deterministic and ends on its own; a
                // deadline (the solver's default is 10 s) would make the result depend on load.
                .time_limit(None)
                .solve()
                .unwrap_or_else(|e| panic!("{preset:?} seed {seed}: {e:?}"));
            let referee = patrolplan::schedule::evaluate(&instance, &outcome.schedule);
            assert!(referee.feasible, "{preset:?} seed {seed}");
        }
    }
}
