//! Scenario presets (`tiny`, `small`, `nanjing`, `jiangsu` over streets; `nanjing-grid`,
//! `jiangsu-grid` over patrol grid cells): realistic instances built from the real
//! centres, areas and census populations of Jiangsu's cities and Nanjing's districts. The same preset and seed always give the same file, byte for byte.
//! `docs/presets.md` explains how they are built.

mod centres;
mod geography;
pub mod grid;
mod grid_teams;
mod numbers;
mod reference;
mod requirements;
mod rhythm;
mod rules;
mod teams;

use std::fmt;
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Number;

use crate::model::raw::*;

pub use rhythm::RegionKind;

/// First slot of every preset: Monday 7 December 2026, 00:00 China Standard Time.
pub const HORIZON_START: &str = "2026-12-07T00:00:00+08:00";

/// A scenario preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Preset {
    /// 6 streets in central Nanjing, one day.
    Tiny,
    /// 30 streets in Nanjing's four central districts, two days.
    Small,
    /// About 100 streets over Nanjing's 11 districts, one week.
    Nanjing,
    /// About 1,250 streets over Jiangsu's 13 cities, one week, the full provincial force.
    Jiangsu,
    /// About 1,500 patrol grid cells over Nanjing's 11 districts, the `nanjing` force.
    NanjingGrid,
    /// About 15,000 patrol grid cells over Jiangsu's 13 cities, the `jiangsu` force.
    JiangsuGrid,
}

/// The sizes of a preset (contract section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetSize {
    /// Slots of 60 minutes.
    pub slots: usize,
    /// Professional patrol teams (5 members each).
    pub patrol_teams: usize,
    /// Volunteer groups out each day (5 members each).
    pub volunteer_groups: usize,
    /// Emergency mobile teams (6 members each).
    pub mobile_teams: usize,
    /// Stand-by posts.
    pub posts: usize,
}

impl Preset {
    /// Every preset, smallest first.
    pub const ALL: [Preset; 6] = [
        Preset::Tiny,
        Preset::Small,
        Preset::Nanjing,
        Preset::Jiangsu,
        Preset::NanjingGrid,
        Preset::JiangsuGrid,
    ];

    /// The preset's command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Tiny => "tiny",
            Preset::Small => "small",
            Preset::Nanjing => "nanjing",
            Preset::Jiangsu => "jiangsu",
            Preset::NanjingGrid => "nanjing-grid",
            Preset::JiangsuGrid => "jiangsu-grid",
        }
    }

    /// The preset's team, post and slot counts.
    pub fn size(self) -> PresetSize {
        let (slots, patrol_teams, volunteer_groups, mobile_teams, posts) = match self {
            Preset::Tiny => (24, 6, 2, 2, 4),
            Preset::Small => (48, 40, 10, 8, 20),
            Preset::Nanjing | Preset::NanjingGrid => (168, 2_000, 160, 80, 200),
            Preset::Jiangsu | Preset::JiangsuGrid => (168, 26_000, 1_600, 1_000, 2_600),
        };
        PresetSize {
            slots,
            patrol_teams,
            volunteer_groups,
            mobile_teams,
            posts,
        }
    }

    fn horizon_name(self) -> &'static str {
        match self {
            Preset::Tiny => "day",
            Preset::Small => "2days",
            _ => "week",
        }
    }

    /// Whether the preset's regions are patrol grid cells (else streets).
    pub fn is_grid(self) -> bool {
        matches!(self, Preset::NanjingGrid | Preset::JiangsuGrid)
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown preset name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown preset {0:?}; use tiny, small, nanjing, jiangsu, nanjing-grid or jiangsu-grid")]
pub struct UnknownPreset(pub String);

impl FromStr for Preset {
    type Err = UnknownPreset;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Preset::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPreset(s.to_string()))
    }
}

/// An RNG for one stage of the generator; stages draw from separate streams so that a
/// change in one stage does not reshuffle the others.
fn stage(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Builds the instance of a preset. Deterministic: the same preset and seed give the
/// same instance (and the same JSON bytes).
pub fn generate(preset: Preset, seed: u64) -> InstanceFile {
    keep_satisfiable(draft(preset, seed))
}

/// The preset before [`generate`]'s requirement check: the same regions, risk, footfall,
/// posts and teams, and every `min_patrol` requirement as sized region by region (the
/// check only drops the ones the construction cannot meet). It costs a fraction of
/// [`generate`] (no instance build, no construction), so tests of the geography, the
/// teams and the risk can run on the largest presets.
pub fn draft(preset: Preset, seed: u64) -> InstanceFile {
    if preset.is_grid() {
        draft_grid(preset, seed)
    } else {
        draft_streets(preset, seed)
    }
}

/// Requirements are sized region by region, so simultaneous requirements can still ask
/// more of the same few teams than their shifts and work limits allow. The solver's
/// construction is the judge: every requirement it cannot meet is dropped (first the
/// short slot's whole requirement, then again until none is short), so a preset always
/// has a feasible schedule. Deterministic: the construction is.
fn keep_satisfiable(mut file: InstanceFile) -> InstanceFile {
    for _ in 0..50 {
        let Ok(instance) = crate::Instance::from_file(&file) else {
            return file;
        };
        let unmet = match crate::Solver::new(&instance)
            .threads(1)
            .iterations(0)
            .repair(false)
            // No deadline: the construction is deterministic and ends on its own; a
            // deadline (the solver's default is 10 s) would make the result depend on load.
            .time_limit(None)
            .solve()
        {
            Err(crate::SolveError::Infeasible(unmet)) => unmet,
            _ => return file,
        };
        for u in unmet {
            if let Some(region) = file.regions.iter_mut().find(|r| r.id == u.region) {
                region.min_patrol.retain(|m| {
                    let (from, to) = (m.from.as_u64().unwrap_or(0), m.to.as_u64().unwrap_or(0));
                    !(from..to).contains(&(u.slot as u64))
                });
            }
        }
    }
    file
}

fn draft_streets(preset: Preset, seed: u64) -> InstanceFile {
    let size = preset.size();
    let centres = match preset {
        Preset::Tiny => centres::tiny(),
        Preset::Small => centres::small(),
        Preset::Nanjing => centres::nanjing(),
        _ => centres::jiangsu(&mut stage(seed, 1)),
    };
    let streets = geography::place_streets(&centres, &mut stage(seed, 2));
    let kinds = rhythm::assign_kinds(&streets, &mut stage(seed, 3));
    let bases = teams::patrol_bases(
        &streets,
        &kinds,
        size.patrol_teams,
        if streets.len() >= 100 { 2 } else { 1 },
        teams::street_reach(&streets),
    );
    let reaching = requirements::professionals_reaching(&streets, &bases);
    let post_counts = teams::post_counts(&streets, &kinds, size.posts);
    let sites = geography::place_posts(&streets, &post_counts, &mut stage(seed, 5));
    assemble(
        preset,
        seed,
        Places {
            places: &streets,
            kinds: &kinds,
            hot_spot: &vec![1.0; streets.len()],
            bases: &bases,
            reaching: &reaching,
            sites: &sites,
        },
    )
}

/// Spread (log scale) of the grid cells' hot-spot factor: with it about half of the
/// risk lies in 5 % of the cells and a quarter in 1 % (the law of crime concentration;
/// `docs/presets.md` gives the measured shares).
pub const HOT_SPOT_SIGMA: f64 = 1.5;

/// Grid presets: the street presets' rhythms, teams and requirements over patrol grid
/// cells (`grid.rs`), with risk concentrated in hot-spot cells.
fn draft_grid(preset: Preset, seed: u64) -> InstanceFile {
    let size = preset.size();
    let centres = match preset {
        Preset::NanjingGrid => centres::nanjing(),
        _ => centres::jiangsu(&mut stage(seed, 1)),
    };
    let cells = grid::place_cells(&centres, &mut stage(seed, 2));
    let dense: Vec<bool> = cells.iter().map(|c| c.side == 1).collect();
    let cells: Vec<geography::Street> = cells.into_iter().map(|c| c.street).collect();
    let kinds = rhythm::assign_kinds(&cells, &mut stage(seed, 3));
    let index = grid_teams::PointIndex::new(cells.iter().map(|c| (c.lon, c.lat)).collect());
    let bases = grid_teams::patrol_bases(&cells, &kinds, &index, size.patrol_teams);
    let reaching = grid_teams::professionals_reaching(&cells, &bases, &index);
    let mut hot = stage(seed, 8);
    let hot_spot: Vec<f64> = cells
        .iter()
        .map(|_| (HOT_SPOT_SIGMA * grid::normal(&mut hot) - HOT_SPOT_SIGMA.powi(2) / 2.0).exp())
        .collect();
    let sites: Vec<geography::PostSite> =
        grid_teams::place_posts(&cells, &kinds, &dense, size.posts, &mut stage(seed, 5))
            .into_iter()
            .map(|(site, _)| site)
            .collect();
    assemble(
        preset,
        seed,
        Places {
            places: &cells,
            kinds: &kinds,
            hot_spot: &hot_spot,
            bases: &bases,
            reaching: &reaching,
            sites: &sites,
        },
    )
}

/// What a street or grid draft has decided before the instance is written: the
/// places (streets or cells) with their kinds and risk multipliers, the professional
/// bases and how many professionals reach each place, and the post sites.
struct Places<'a> {
    places: &'a [geography::Street],
    kinds: &'a [RegionKind],
    /// Risk multiplier per place (1 for streets, the hot-spot factor for cells).
    hot_spot: &'a [f64],
    bases: &'a [teams::PatrolBase],
    reaching: &'a [usize],
    sites: &'a [geography::PostSite],
}

/// Writes the regions (series on stream 4), posts, mobile teams (stream 6), patrol
/// teams and volunteers (stream 7) of a draft: the same for streets and grid cells.
fn assemble(preset: Preset, seed: u64, p: Places<'_>) -> InstanceFile {
    let size = preset.size();
    let width = p.places.len().to_string().len().max(2);
    let region_ids: Vec<String> = (1..=p.places.len())
        .map(|i| format!("R{i:0width$}"))
        .collect();
    let min_patrol = requirements::min_patrol(p.kinds, p.reaching, size.slots);

    let mut rng = stage(seed, 4);
    let mut regions = Vec::with_capacity(p.places.len());
    for (i, (place, mp)) in p.places.iter().zip(min_patrol).enumerate() {
        let series = rhythm::series(place, p.kinds[i], size.slots, p.hot_spot[i], &mut rng);
        let ring: Vec<Vec<f64>> = place.ring.iter().map(|v| v.to_vec()).collect();
        regions.push(RegionSpec {
            id: region_ids[i].clone(),
            name: Some(format!("{} ({})", place.name, p.kinds[i].name())),
            group: Some(place.group.clone()),
            location: Some([place.lon, place.lat]),
            boundary: Some(geojson::Geometry::new(geojson::Value::Polygon(vec![ring]))),
            population: Some(place.population),
            risk: PerSlot::Series(series.risk),
            footfall: Some(PerSlot::Series(series.footfall)),
            min_patrol: mp,
        });
    }

    let pwidth = p.sites.len().to_string().len().max(2);
    let post_ids: Vec<String> = (1..=p.sites.len())
        .map(|i| format!("P{i:0pwidth$}"))
        .collect();
    let (mobile, capacity) = teams::mobile_teams(
        p.places,
        p.sites,
        &post_ids,
        size.mobile_teams,
        &mut stage(seed, 6),
    );
    let posts = p
        .sites
        .iter()
        .zip(&post_ids)
        .zip(capacity)
        .map(|((s, id), cap)| PostSpec {
            id: id.clone(),
            location: [s.lon, s.lat],
            capacity: Some(Number::from(cap)),
        })
        .collect();

    let mut all_teams = teams::patrol_teams(p.bases, &region_ids);
    all_teams.extend(teams::volunteer_teams(
        p.places,
        p.kinds,
        &region_ids,
        size.volunteer_groups,
        size.slots,
        &mut stage(seed, 7),
    ));
    all_teams.extend(mobile);

    InstanceFile {
        format: INSTANCE_FORMAT.to_string(),
        name: format!("{}-{}-seed{seed}", preset.name(), preset.horizon_name()),
        horizon: HorizonSpec {
            start: Some(HORIZON_START.to_string()),
            slot_minutes: Number::from(60),
            slots: Number::from(size.slots),
        },
        travel: Some(TravelSpec::Haversine {
            detour_factor: teams::DETOUR,
        }),
        regions,
        posts,
        shift_rules: rules::shift_rules(size.slots),
        teams: all_teams,
        objective: ObjectiveSpec::default(),
    }
}

/// The instance as JSON text: compact, or pretty-printed with two-space indents.
pub fn to_json(file: &InstanceFile, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(file)
    } else {
        serde_json::to_string(file)
    };
    text.expect("an instance file always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_names_round_trip() {
        for p in Preset::ALL {
            assert_eq!(p.name().parse::<Preset>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        assert!("paris".parse::<Preset>().is_err());
    }

    #[test]
    fn horizon_starts_on_a_monday_midnight() {
        use chrono::Datelike;
        let t = chrono::DateTime::parse_from_rfc3339(HORIZON_START).unwrap();
        assert_eq!(t.weekday(), chrono::Weekday::Mon);
        assert_eq!(t.format("%H:%M").to_string(), "00:00");
    }

    #[test]
    fn tiny_has_the_contract_sizes() {
        let f = generate(Preset::Tiny, 1);
        assert_eq!(f.regions.len(), 6);
        assert_eq!(f.posts.len(), 4);
        let count = |kind: TeamKind, vol: bool| {
            f.teams
                .iter()
                .filter(|t| t.kind == kind && t.volunteer == vol)
                .count()
        };
        assert_eq!(count(TeamKind::Patrol, false), 6);
        assert_eq!(count(TeamKind::Patrol, true), 2);
        assert_eq!(count(TeamKind::Mobile, false), 2);
    }
}
