//! Precomputed relations: which locations a team may stand in (reach), which moves
//! between consecutive slots are allowed (hop), and which regions a mobile team at a
//! post covers within the response and backup standards.
//!
//! Teams that share base, speed and limits share one list (a "class"), so the
//! `jiangsu` preset needs a few thousand radius queries, not one per team and region.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};

use super::instance::{Objective, ShiftRules, Team, TeamKind};
use crate::geo::point::{chord_for_km, to_xyz_km};
use crate::geo::travel::{Node, TravelModel};

type Indexed = GeomWithData<[f64; 3], u32>;

/// Most entries all relation lists may hold together; a hostile instance (huge hop or
/// response radii over many locations) gets an error instead of exhausting memory.
pub const MAX_RELATION_ENTRIES: usize = 400_000_000;

/// Location lists for one kind of location (regions or posts), with a spatial index.
struct Targets<'a> {
    nodes: &'a [Node],
    tree: RTree<Indexed>,
    used: &'a AtomicUsize,
    limit: usize,
}

impl<'a> Targets<'a> {
    fn new(nodes: &'a [Node], used: &'a AtomicUsize, limit: usize) -> Self {
        let items = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| Indexed::new(to_xyz_km(n.point), i as u32))
            .collect();
        Targets {
            nodes,
            tree: RTree::bulk_load(items),
            used,
            limit,
        }
    }

    /// Indices of targets within `max_minutes` of `from` (inclusive), ascending.
    fn within(&self, travel: &TravelModel, speed: f64, from: &Node, max_minutes: f64) -> Vec<u32> {
        if self.used.load(Ordering::Relaxed) > self.limit {
            return Vec::new();
        }
        let exact = |i: u32| travel.minutes(speed, from, &self.nodes[i as usize]) <= max_minutes;
        let mut found: Vec<u32> = match travel.radius_km(speed, max_minutes) {
            Some(km) if km.is_finite() => {
                let chord = chord_for_km(km);
                self.tree
                    .locate_within_distance(to_xyz_km(from.point), chord * chord)
                    .map(|g| g.data)
                    .filter(|&i| exact(i))
                    .collect()
            }
            _ => (0..self.nodes.len() as u32).filter(|&i| exact(i)).collect(),
        };
        found.sort_unstable();
        self.used.fetch_add(found.len(), Ordering::Relaxed);
        found
    }
}

/// Regions a mobile team at each post covers.
#[derive(Debug, Clone, Default)]
pub struct CoverSet {
    /// Per post: regions within the response standard.
    pub response: Vec<Vec<u32>>,
    /// Per post: regions within the backup standard.
    pub backup: Vec<Vec<u32>>,
}

/// Reach, hop and cover relations of an instance.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    reach_sets: Vec<Vec<u32>>,
    team_reach: Vec<usize>,
    hop_sets: Vec<Vec<Vec<u32>>>,
    team_hop: Vec<usize>,
    cover_sets: Vec<CoverSet>,
    team_cover: Vec<usize>,
}

impl Reach {
    /// Locations (regions for patrol teams, posts for mobile teams) within the team's
    /// reach, ascending.
    pub fn locations(&self, team: usize) -> &[u32] {
        &self.reach_sets[self.team_reach[team]]
    }

    /// Locations the team may move to from `loc` between two consecutive slots
    /// (within `max_hop_minutes`, `loc` itself included when its own travel allows).
    pub fn hop_neighbors(&self, team: usize, loc: usize) -> &[u32] {
        &self.hop_sets[self.team_hop[team]][loc]
    }

    /// Regions within the response standard of a mobile team at `post`.
    pub fn response_regions(&self, team: usize, post: usize) -> &[u32] {
        &self.cover_sets[self.team_cover[team]].response[post]
    }

    /// Regions within the backup standard of a mobile team at `post`.
    pub fn backup_regions(&self, team: usize, post: usize) -> &[u32] {
        &self.cover_sets[self.team_cover[team]].backup[post]
    }

    /// Identifier of the team's cover class: mobile teams with the same class cover the
    /// same regions from the same posts.
    pub fn cover_class(&self, team: usize) -> usize {
        self.team_cover[team]
    }

    /// Cover sets by class.
    pub fn cover_sets(&self) -> &[CoverSet] {
        &self.cover_sets
    }

    /// Entries of all lists together (each a `u32`), for memory estimates.
    pub fn entries(&self) -> usize {
        let reach: usize = self.reach_sets.iter().map(Vec::len).sum();
        let hop: usize = self.hop_sets.iter().flatten().map(Vec::len).sum();
        let cover: usize = self
            .cover_sets
            .iter()
            .flat_map(|c| c.response.iter().chain(c.backup.iter()))
            .map(Vec::len)
            .sum();
        reach + hop + cover
    }

    /// Computes every relation. Runs in parallel; the result does not depend on the
    /// thread count. Fails (with the number of entries reached) when the lists would
    /// exceed [`MAX_RELATION_ENTRIES`].
    pub fn compute(
        travel: &TravelModel,
        region_nodes: &[Node],
        post_nodes: &[Node],
        teams: &[Team],
        rules: &[ShiftRules],
        objective: &Objective,
    ) -> Result<Reach, usize> {
        Self::compute_within(
            travel,
            region_nodes,
            post_nodes,
            teams,
            rules,
            objective,
            MAX_RELATION_ENTRIES,
        )
    }

    /// [`Reach::compute`] with at most `max_entries` entries (capped at
    /// [`MAX_RELATION_ENTRIES`]); a memory limit sets it.
    pub fn compute_within(
        travel: &TravelModel,
        region_nodes: &[Node],
        post_nodes: &[Node],
        teams: &[Team],
        rules: &[ShiftRules],
        objective: &Objective,
        max_entries: usize,
    ) -> Result<Reach, usize> {
        let limit = max_entries.min(MAX_RELATION_ENTRIES);
        let used = AtomicUsize::new(0);
        let regions = Targets::new(region_nodes, &used, limit);
        let posts = Targets::new(post_nodes, &used, limit);
        let targets = |kind: TeamKind| match kind {
            TeamKind::Patrol => &regions,
            TeamKind::Mobile => &posts,
        };
        let speed_key = |t: &Team| {
            if travel.is_matrix() {
                0
            } else {
                t.speed_kmh.to_bits()
            }
        };

        // Reach classes: (kind, base, speed, reach).
        let mut reach_keys = BTreeMap::new();
        let mut reach_reps: Vec<&Team> = Vec::new();
        let team_reach: Vec<usize> = teams
            .iter()
            .map(|t| {
                let key = (
                    t.kind,
                    t.base.point.x().to_bits(),
                    t.base.point.y().to_bits(),
                    t.base.matrix,
                    speed_key(t),
                    t.reach_minutes.map(f64::to_bits),
                );
                *reach_keys.entry(key).or_insert_with(|| {
                    reach_reps.push(t);
                    reach_reps.len() - 1
                })
            })
            .collect();
        let reach_sets: Vec<Vec<u32>> = reach_reps
            .par_iter()
            .map(|t| {
                let target = targets(t.kind);
                match t.reach_minutes {
                    Some(max) => target.within(travel, t.speed_kmh, &t.base, max),
                    None => {
                        used.fetch_add(target.nodes.len(), Ordering::Relaxed);
                        (0..target.nodes.len() as u32).collect()
                    }
                }
            })
            .collect();

        // Hop classes: (kind, speed, max hop).
        let mut hop_keys = BTreeMap::new();
        let mut hop_reps: Vec<(TeamKind, f64, f64)> = Vec::new();
        let team_hop: Vec<usize> = teams
            .iter()
            .map(|t| {
                let hop = rules[t.rules].max_hop_minutes;
                *hop_keys
                    .entry((t.kind, speed_key(t), hop.to_bits()))
                    .or_insert_with(|| {
                        hop_reps.push((t.kind, t.speed_kmh, hop));
                        hop_reps.len() - 1
                    })
            })
            .collect();
        let hop_sets: Vec<Vec<Vec<u32>>> = hop_reps
            .iter()
            .map(|&(kind, speed, hop)| {
                let target = targets(kind);
                target
                    .nodes
                    .par_iter()
                    .map(|from| target.within(travel, speed, from, hop))
                    .collect()
            })
            .collect();

        // Cover classes: mobile speed.
        let mut cover_keys = BTreeMap::new();
        let mut cover_reps: Vec<f64> = Vec::new();
        let team_cover: Vec<usize> = teams
            .iter()
            .map(|t| {
                if t.kind != TeamKind::Mobile {
                    return usize::MAX;
                }
                *cover_keys.entry(speed_key(t)).or_insert_with(|| {
                    cover_reps.push(t.speed_kmh);
                    cover_reps.len() - 1
                })
            })
            .collect();
        let cover_sets = cover_reps
            .iter()
            .map(|&speed| {
                let pairs: Vec<(Vec<u32>, Vec<u32>)> = post_nodes
                    .par_iter()
                    .map(|from| {
                        (
                            regions.within(travel, speed, from, objective.response_minutes),
                            regions.within(travel, speed, from, objective.backup_minutes),
                        )
                    })
                    .collect();
                let (response, backup) = pairs.into_iter().unzip();
                CoverSet { response, backup }
            })
            .collect();

        let total = used.load(Ordering::Relaxed);
        if total > limit {
            return Err(total);
        }
        Ok(Reach {
            reach_sets,
            team_reach,
            hop_sets,
            team_hop,
            cover_sets,
            team_cover,
        })
    }
}
