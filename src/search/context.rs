//! Per-instance data the search reads on every move, precomputed once into flat arrays
//! so that a move touches a few cache lines and allocates nothing.

use crate::model::{Instance, TeamIdx, TeamKind};

/// Marker for "the team does not work in this slot".
pub const NONE: u32 = u32::MAX;

/// Presence is kept in fixed point (effectiveness times this scale), so that adding and
/// removing teams in any order gives the same presence bit for bit: the incremental
/// state then never drifts from a recomputation.
pub const EFF_SCALE: f64 = 1e9;

/// Immutable precomputed data shared by every search member.
#[derive(Debug)]
pub struct Context<'a> {
    /// The instance.
    pub inst: &'a Instance,
    /// Number of slots.
    pub slots: usize,
    /// Per team: effectiveness in fixed point.
    pub eff: Vec<i64>,
    /// Per team: whether it is a patrol team.
    pub patrol: Vec<bool>,
    /// Per team: whether it is a volunteer group.
    pub volunteer: Vec<bool>,
    /// `team * slots + s`: consecutive available slots from `s` on (0 if unavailable).
    pub avail_run: Vec<u16>,
    /// `r * slots + s`: the hard minimum number of patrol teams.
    pub req: Vec<u16>,
    /// `r * slots + s`: `response_weight * risk`.
    pub resp_w: Vec<f64>,
    /// `r * slots + s`: `backup_weight * risk`.
    pub back_w: Vec<f64>,
    /// Presence marginals.
    pub marginals: Vec<f64>,
    /// Per post: capacity.
    pub capacity: Vec<u16>,
    /// Whether volunteers need a professional patrol team in their region.
    pub escort: bool,
}

impl<'a> Context<'a> {
    /// Precomputes the arrays of an instance.
    pub fn new(inst: &'a Instance) -> Context<'a> {
        let slots = inst.slots();
        let obj = &inst.objective();
        let n_regions = inst.regions().len();
        let mut avail_run = vec![0u16; inst.teams().len() * slots];
        for (k, t) in inst.teams().iter().enumerate() {
            for &(a, b) in &t.available {
                for s in a..b.min(slots) {
                    avail_run[k * slots + s] = (b.min(slots) - s).min(u16::MAX as usize) as u16;
                }
            }
        }
        let mut req = vec![0u16; n_regions * slots];
        let mut resp_w = vec![0.0; n_regions * slots];
        let mut back_w = vec![0.0; n_regions * slots];
        for (r, region) in inst.regions().iter().enumerate() {
            for m in &region.min_patrol {
                for s in m.from..m.to.min(slots) {
                    let v = &mut req[r * slots + s];
                    *v = (*v).max(m.teams.min(u16::MAX as u32) as u16);
                }
            }
            for s in 0..slots {
                resp_w[r * slots + s] = obj.response_weight * region.risk[s];
                back_w[r * slots + s] = obj.backup_weight * region.risk[s];
            }
        }
        Context {
            inst,
            slots,
            eff: inst
                .teams()
                .iter()
                .map(|t| (t.effectiveness * EFF_SCALE).round() as i64)
                .collect(),
            patrol: inst
                .teams()
                .iter()
                .map(|t| t.kind == TeamKind::Patrol)
                .collect(),
            volunteer: inst.teams().iter().map(|t| t.volunteer).collect(),
            avail_run,
            req,
            resp_w,
            back_w,
            marginals: obj.presence_marginals.clone(),
            capacity: inst
                .posts()
                .iter()
                .map(|p| p.capacity.min(u16::MAX as u32) as u16)
                .collect(),
            escort: obj.volunteers_need_professional,
        }
    }

    /// The concave presence value of fixed-point presence `p`.
    #[inline]
    pub fn g(&self, p: i64) -> f64 {
        let x = p as f64 / EFF_SCALE;
        let mut v = 0.0;
        for (j, m) in self.marginals.iter().enumerate() {
            let part = x - j as f64;
            if part <= 0.0 {
                break;
            }
            v += m * part.min(1.0);
        }
        v
    }

    /// Consecutive available slots of team `k` from slot `s` on.
    #[inline]
    pub fn avail_from(&self, k: TeamIdx, s: usize) -> usize {
        self.avail_run[k * self.slots + s] as usize
    }

    /// Locations team `k` may stand in.
    #[inline]
    pub fn reach(&self, k: TeamIdx) -> &'a [u32] {
        self.inst.reach().locations(k)
    }

    /// Locations team `k` may move to from `l` between consecutive slots.
    #[inline]
    pub fn hop(&self, k: TeamIdx, l: u32) -> &'a [u32] {
        self.inst.reach().hop_neighbors(k, l as usize)
    }

    /// Whether team `k` may move from `a` to `b` between consecutive slots.
    #[inline]
    pub fn hop_ok(&self, k: TeamIdx, a: u32, b: u32) -> bool {
        self.hop(k, a).binary_search(&b).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_value_matches_the_instance_formula() {
        let inst = Instance::from_json(include_str!("../../tests/data/hand.json")).unwrap();
        let ctx = Context::new(&inst);
        for p in [0.0, 0.3, 0.5, 1.0, 1.5, 2.7, 3.0, 4.2] {
            let fixed = (p * EFF_SCALE) as i64;
            let want = inst.objective().presence_value(p);
            assert!((ctx.g(fixed) - want).abs() < 1e-12, "{p}");
        }
    }
}
