//! The best route of one team over a window of slots, given every other team: a
//! dynamic programme over (slot, location) with the hop relation as transitions. It is
//! the workhorse of construction, rerouting, retiming and repair.

use super::context::NONE;
use super::state::State;

/// Reusable buffers of the route programme (no allocation per move).
#[derive(Debug, Default, Clone)]
pub struct PathScratch {
    /// Offsets of each slot's candidate list in `cand`.
    off: Vec<usize>,
    cand: Vec<u32>,
    val: Vec<f64>,
    back: Vec<u32>,
    /// Location -> candidate index in the slot being built.
    pos: Vec<u32>,
    /// The best route found by the last call, one location per slot of the window.
    pub path: Vec<u32>,
}

/// What the route must respect at the window's edges and inside it.
#[derive(Debug, Clone, Copy)]
pub struct PathSpec<'a> {
    /// Local team.
    pub li: usize,
    /// First slot of the window.
    pub start: usize,
    /// Number of slots.
    pub len: usize,
    /// Location in slot `start - 1` if the team works then (the route must hop from it).
    pub prev: u32,
    /// Location in slot `start + len` if the team works then (the route must hop to it).
    pub next: u32,
    /// Per slot of the window, a location the route must take, or [`NONE`].
    pub forced: &'a [u32],
}

impl PathScratch {
    /// Finds the most valuable route for `spec` (the team must be off in the whole
    /// window) and stores it in `self.path`; returns its value, or `None` when no route
    /// keeps reach, hop, escort and capacity.
    pub fn best(&mut self, st: &State, spec: &PathSpec) -> Option<f64> {
        let ctx = st.ctx;
        let k = st.teams[spec.li];
        let reach = ctx.reach(k);
        let n_loc = ctx.inst.regions().len().max(ctx.inst.posts().len());
        if self.pos.len() < n_loc {
            self.pos.resize(n_loc, NONE);
        }
        self.off.clear();
        self.cand.clear();
        self.val.clear();
        self.back.clear();
        for i in 0..spec.len {
            let s = spec.start + i;
            let first = self.cand.len();
            self.off.push(first);
            let forced = spec.forced.get(i).copied().unwrap_or(NONE);
            let push = |this: &mut Self, l: u32| {
                if st.may_enter(k, l, s) {
                    this.pos[l as usize] = this.cand.len() as u32 - first as u32;
                    this.cand.push(l);
                    this.val.push(f64::NEG_INFINITY);
                    this.back.push(NONE);
                }
            };
            if forced != NONE {
                push(self, forced);
            } else {
                for &l in reach {
                    push(self, l);
                }
            }
            if i == 0 {
                for c in first..self.cand.len() {
                    let l = self.cand[c];
                    if spec.prev == NONE || ctx.hop_ok(k, spec.prev, l) {
                        self.val[c] = st.gain(k, l, s);
                    }
                }
            } else {
                let prev_first = self.off[i - 1];
                for p in prev_first..first {
                    let v = self.val[p];
                    if v == f64::NEG_INFINITY {
                        continue;
                    }
                    for &l in ctx.hop(k, self.cand[p]) {
                        let c = self.pos[l as usize];
                        if c == NONE {
                            continue;
                        }
                        let c = first + c as usize;
                        if v > self.val[c] {
                            self.val[c] = v;
                            self.back[c] = p as u32;
                        }
                    }
                }
                for c in first..self.cand.len() {
                    if self.val[c] > f64::NEG_INFINITY {
                        self.val[c] += st.gain(k, self.cand[c], s);
                    }
                }
            }
            for c in first..self.cand.len() {
                self.pos[self.cand[c] as usize] = NONE;
            }
        }
        if spec.len == 0 {
            self.path.clear();
            return Some(0.0);
        }
        let last = self.off[spec.len - 1];
        let mut best = NONE;
        let mut best_val = f64::NEG_INFINITY;
        for c in last..self.cand.len() {
            if self.val[c] > best_val
                && (spec.next == NONE || ctx.hop_ok(k, self.cand[c], spec.next))
            {
                best_val = self.val[c];
                best = c as u32;
            }
        }
        if best == NONE {
            return None;
        }
        self.path.clear();
        self.path.resize(spec.len, NONE);
        let mut c = best;
        for i in (0..spec.len).rev() {
            self.path[i] = self.cand[c as usize];
            c = self.back[c as usize];
        }
        Some(best_val)
    }
}

/// Puts local team `li` on `path` from slot `start` on.
pub fn place(st: &mut State, li: usize, start: usize, path: &[u32]) {
    for (i, &l) in path.iter().enumerate() {
        st.set(li, start + i, l);
    }
}
