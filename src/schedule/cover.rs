//! Which regions a mobile team standing at a post covers, by the exact travel formula of
//! the contract (`minutes <= response_minutes`, `minutes <= backup_minutes`).
//!
//! The regions a team covers from a post depend only on the post and the team's speed
//! (under the matrix model, only on the post), so the lists are computed once per
//! distinct `(post, speed)` pair and reused for every slot. Under the haversine model a
//! latitude band cuts the scan: a great-circle distance is never shorter than the Earth's
//! radius times the difference in latitude, so a region whose latitude lies farther from
//! the post's than the standard's radius cannot be within it. The band is padded well
//! beyond rounding, and every region inside it is still judged by the exact formula, so
//! the lists are exactly those of a scan over all regions (tested); on `jiangsu-grid`
//! (15,000 cells) the band holds a few per cent of them.
//!
//! This is the evaluator's own computation: it does not use `Reach`'s precomputed lists
//! (which the evaluator thereby referees).

use std::collections::BTreeMap;

use crate::geo::EARTH_RADIUS_KM;
use crate::model::{Instance, PostIdx, TeamIdx};

/// The regions within the response and within the backup standard, sorted.
pub type CoverPair = (Vec<u32>, Vec<u32>);

/// Cover lists per `(post, speed)`, computed when first asked for.
pub(crate) struct CoverCache<'a> {
    instance: &'a Instance,
    /// `(latitude in degrees, region)` sorted by latitude; `None` under the matrix model.
    by_latitude: Option<Vec<(f64, u32)>>,
    lists: BTreeMap<(u32, u64), CoverPair>,
}

impl<'a> CoverCache<'a> {
    /// An empty cache for `instance`.
    pub(crate) fn new(instance: &'a Instance) -> CoverCache<'a> {
        let by_latitude = (!instance.travel().is_matrix()).then(|| {
            let mut v: Vec<(f64, u32)> = instance
                .region_nodes()
                .iter()
                .enumerate()
                .map(|(r, n)| (n.point.y(), r as u32))
                .collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            v
        });
        CoverCache {
            instance,
            by_latitude,
            lists: BTreeMap::new(),
        }
    }

    /// The regions mobile team `team` covers from post `post`.
    pub(crate) fn get(&mut self, team: TeamIdx, post: PostIdx) -> &CoverPair {
        let inst = self.instance;
        let speed = inst.teams()[team].speed_kmh;
        let key = (
            post as u32,
            if inst.travel().is_matrix() {
                0
            } else {
                speed.to_bits()
            },
        );
        let by_latitude = self.by_latitude.as_deref();
        self.lists
            .entry(key)
            .or_insert_with(|| compute(inst, by_latitude, speed, post))
    }
}

/// The regions within the response and within the backup standard of mobile `team` at
/// `post`, by the exact travel formula (as the evaluator decides `C1` and `C2`). One
/// pair, so a plain scan: sorting the regions for the band would cost more than it saves
/// (explanations ask for one pair per team and post).
pub fn cover_lists(instance: &Instance, team: TeamIdx, post: PostIdx) -> CoverPair {
    compute(instance, None, instance.teams()[team].speed_kmh, post)
}

fn compute(
    inst: &Instance,
    by_latitude: Option<&[(f64, u32)]>,
    speed: f64,
    post: PostIdx,
) -> CoverPair {
    let o = inst.objective();
    let from = &inst.post_nodes()[post];
    let minutes = |r: usize| inst.travel().minutes(speed, from, &inst.region_nodes()[r]);
    let wider = o.response_minutes.max(o.backup_minutes);
    // Candidates: every region, or those in the latitude band of the wider standard.
    let candidates: Vec<u32> = match (by_latitude, inst.travel().radius_km(speed, wider)) {
        (Some(sorted), Some(km)) if km.is_finite() => {
            let half = (km / EARTH_RADIUS_KM).to_degrees() * (1.0 + 1e-6) + 1e-7;
            let lat = from.point.y();
            let lo = sorted.partition_point(|&(y, _)| y < lat - half);
            let hi = sorted.partition_point(|&(y, _)| y <= lat + half);
            let mut c: Vec<u32> = sorted[lo..hi].iter().map(|&(_, r)| r).collect();
            c.sort_unstable();
            c
        }
        _ => (0..inst.regions().len() as u32).collect(),
    };
    let (mut response, mut backup) = (Vec::new(), Vec::new());
    for r in candidates {
        let m = minutes(r as usize);
        if m <= o.response_minutes {
            response.push(r);
        }
        if m <= o.backup_minutes {
            backup.push(r);
        }
    }
    (response, backup)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The band never drops a region the full scan keeps: every post, every speed of
    /// the instance's mobile teams, against the plain scan over all regions; on nanjing
    /// the band leaves most regions out, so the test also checks that it cuts.
    #[test]
    fn the_latitude_band_keeps_exactly_the_full_scan() {
        for json in [
            include_str!("../../data/nanjing.json"),
            include_str!("../../data/small.json"),
            include_str!("../../data/tiny.json"),
        ] {
            let inst = Instance::from_json(json).unwrap();
            let o = inst.objective();
            let mut cache = CoverCache::new(&inst);
            let mut checked = 0;
            let mut speeds: Vec<(u64, usize)> = (0..inst.teams().len())
                .filter(|&k| inst.teams()[k].kind == crate::model::TeamKind::Mobile)
                .map(|k| (inst.teams()[k].speed_kmh.to_bits(), k))
                .collect();
            speeds.sort_unstable();
            speeds.dedup_by_key(|x| x.0);
            for &(_, k) in &speeds {
                let speed = inst.teams()[k].speed_kmh;
                for p in 0..inst.posts().len() {
                    let full = |t: f64| -> Vec<u32> {
                        (0..inst.regions().len())
                            .filter(|&r| {
                                inst.travel().minutes(
                                    speed,
                                    &inst.post_nodes()[p],
                                    &inst.region_nodes()[r],
                                ) <= t
                            })
                            .map(|r| r as u32)
                            .collect()
                    };
                    let (response, backup) = cache.get(k, p).clone();
                    assert_eq!(response, full(o.response_minutes), "team {k} post {p}");
                    assert_eq!(backup, full(o.backup_minutes), "team {k} post {p}");
                    checked += 1;
                }
            }
            assert!(checked > 0);
        }
        // The band must also cut: on nanjing a post's band leaves regions out.
        let inst = Instance::from_json(include_str!("../../data/nanjing.json")).unwrap();
        let cache = CoverCache::new(&inst);
        let sorted = cache.by_latitude.as_deref().unwrap();
        let k = (0..inst.teams().len())
            .find(|&k| inst.teams()[k].kind == crate::model::TeamKind::Mobile)
            .unwrap();
        let km = inst
            .travel()
            .radius_km(inst.teams()[k].speed_kmh, inst.objective().backup_minutes)
            .unwrap();
        let half = (km / EARTH_RADIUS_KM).to_degrees();
        let lat = inst.post_nodes()[0].point.y();
        let inside = sorted.iter().filter(|x| (x.0 - lat).abs() <= half).count();
        assert!(inside < sorted.len(), "{inside} of {}", sorted.len());
    }
}
