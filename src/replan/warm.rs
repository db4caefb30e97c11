//! The plan kept warm between re-plans: per-team rows, the patrol counts of every
//! region-slot, the requirements and the objective of every slot. A re-plan changes a
//! few cells; only those cells' counts and those slots' values are updated, so a call
//! costs what it changes, not the size of the plan.

use std::sync::Arc;

use crate::model::{Instance, Slot, TeamIdx, TeamKind};
use crate::schedule::{Cell, ObjectiveParts, Schedule};
use crate::siting::CoverCounts;

/// The plan of one instance with its counts (see the module docs).
#[derive(Debug, Clone)]
pub struct WarmPlan {
    pub(super) slots: usize,
    /// Per team, its cell in every slot.
    pub(super) rows: Vec<Vec<Cell>>,
    /// Mobile teams, in index order.
    pub(super) mobile: Vec<TeamIdx>,
    /// Per region-slot (`r * slots + s`): patrol teams, non-volunteers, volunteers and
    /// the sum of their effectiveness.
    pub(super) patrols: Vec<u32>,
    pub(super) pros: Vec<u32>,
    pub(super) vols: Vec<u32>,
    pub(super) presence: Vec<f64>,
    /// Per region-slot: the largest `min_patrol` requirement.
    pub(super) req: Vec<u32>,
    /// Per slot: the plan's objective in that slot on the current instance.
    pub(super) slot_value: Vec<ObjectiveParts>,
    /// The plan as a schedule (shared: a re-plan hands it out without a copy).
    pub(super) schedule: Arc<Schedule>,
}

const ZERO: ObjectiveParts = ObjectiveParts {
    total: 0.0,
    presence: 0.0,
    response: 0.0,
    backup: 0.0,
};

impl WarmPlan {
    /// The warm state of `schedule`, a plan of `instance`.
    pub fn new(instance: &Instance, schedule: Schedule) -> WarmPlan {
        let slots = instance.slots();
        let nt = instance.teams().len();
        let nr = instance.regions().len();
        let rows: Vec<Vec<Cell>> = (0..nt).map(|k| schedule.row(k, slots)).collect();
        let mut plan = WarmPlan {
            slots,
            mobile: (0..nt)
                .filter(|&k| instance.teams()[k].kind == TeamKind::Mobile)
                .collect(),
            rows,
            patrols: vec![0; nr * slots],
            pros: vec![0; nr * slots],
            vols: vec![0; nr * slots],
            presence: vec![0.0; nr * slots],
            req: requirements(instance),
            slot_value: vec![ZERO; slots],
            schedule: Arc::new(schedule),
        };
        for k in 0..nt {
            if instance.teams()[k].kind == TeamKind::Patrol {
                for s in 0..slots {
                    if let Cell::At(r) = plan.rows[k][s] {
                        if (r as usize) < nr {
                            plan.patrol_count(instance, k, r, s, 1);
                        }
                    }
                }
            }
        }
        plan.slot_value = plan.all_slot_values(instance);
        plan
    }

    /// The plan as a schedule.
    pub fn schedule(&self) -> &Arc<Schedule> {
        &self.schedule
    }

    /// The plan's objective over slots `from..` on the instance it was last scored on.
    pub fn objective_from(&self, from: Slot) -> ObjectiveParts {
        sum(&self.slot_value[from.min(self.slots)..])
    }

    pub(super) fn patrol_count(&mut self, inst: &Instance, k: TeamIdx, r: u32, s: Slot, sign: i32) {
        let t = &inst.teams()[k];
        let i = r as usize * self.slots + s;
        let add = |x: &mut u32| *x = (*x as i64 + sign as i64) as u32;
        add(&mut self.patrols[i]);
        if t.volunteer {
            add(&mut self.vols[i]);
        } else {
            add(&mut self.pros[i]);
        }
        self.presence[i] += sign as f64 * t.effectiveness;
    }

    /// Sets one cell, keeping the patrol counts (cover counts are the caller's).
    pub(super) fn put(&mut self, inst: &Instance, k: TeamIdx, s: Slot, c: Cell) {
        let old = self.rows[k][s];
        if old == c {
            return;
        }
        if inst.teams()[k].kind == TeamKind::Patrol {
            if let Cell::At(r) = old {
                self.patrol_count(inst, k, r, s, -1);
            }
            if let Cell::At(r) = c {
                self.patrol_count(inst, k, r, s, 1);
            }
        }
        self.rows[k][s] = c;
    }

    /// Cover counts of slot `s` from the rows.
    pub(super) fn cover<'i>(&self, inst: &'i Instance, s: Slot) -> CoverCounts<'i> {
        let mut cc = CoverCounts::new(inst, s);
        for &k in &self.mobile {
            if let Cell::At(p) = self.rows[k][s] {
                if (p as usize) < inst.posts().len() && cc.post_of(k).is_none() {
                    cc.add(k, p);
                }
            }
        }
        cc
    }

    /// The objective of slot `s` (its cover counts given when the caller has them).
    pub(super) fn slot_value(
        &self,
        inst: &Instance,
        s: Slot,
        cover: Option<&CoverCounts<'_>>,
    ) -> ObjectiveParts {
        let o = inst.objective();
        let built;
        let cc = match cover {
            Some(c) => c,
            None => {
                built = self.cover(inst, s);
                &built
            }
        };
        let (mut presence, mut response, mut backup) = (0.0, 0.0, 0.0);
        for (r, region) in inst.regions().iter().enumerate() {
            let p = self.presence[r * self.slots + s];
            if p > 0.0 {
                presence += inst.weight(r, s) * o.presence_value(p);
            }
            if cc.response_count(r) >= 1 {
                response += region.risk[s];
            }
            if cc.backup_count(r) >= 2 {
                backup += region.risk[s];
            }
        }
        let (response, backup) = (o.response_weight * response, o.backup_weight * backup);
        ObjectiveParts {
            total: presence + response + backup,
            presence,
            response,
            backup,
        }
    }

    /// Every slot's objective on `inst`.
    pub(super) fn all_slot_values(&self, inst: &Instance) -> Vec<ObjectiveParts> {
        (0..self.slots)
            .map(|s| self.slot_value(inst, s, None))
            .collect()
    }
}

/// The largest `min_patrol` requirement of every region-slot.
pub(super) fn requirements(inst: &Instance) -> Vec<u32> {
    let slots = inst.slots();
    let mut req = vec![0u32; inst.regions().len() * slots];
    for (r, region) in inst.regions().iter().enumerate() {
        for m in &region.min_patrol {
            for s in m.from..m.to.min(slots) {
                req[r * slots + s] = req[r * slots + s].max(m.teams);
            }
        }
    }
    req
}

/// The sum of per-slot objectives.
pub(super) fn sum(values: &[ObjectiveParts]) -> ObjectiveParts {
    values.iter().fold(ZERO, |a, v| ObjectiveParts {
        total: a.total + v.total,
        presence: a.presence + v.presence,
        response: a.response + v.response,
        backup: a.backup + v.backup,
    })
}
