//! Incremental cover counts for one slot: per region, how many distinct mobile teams
//! are within the response and the backup standard, and the value they earn.

use crate::model::{Instance, Slot, TeamIdx};

/// Per-region counts of placed mobile teams within response and backup, with the value
/// of the slot kept up to date. Each team is placed at most once, so counts are counts of
/// distinct teams, as the backup rule requires.
#[derive(Debug, Clone)]
pub struct CoverCounts<'a> {
    instance: &'a Instance,
    slot: Slot,
    response: Vec<u32>,
    backup: Vec<u32>,
    load: Vec<u32>,
    post_of: Vec<Option<u32>>,
    value: f64,
}

/// Whether sorted `list` contains `x`.
fn has(list: &[u32], x: u32) -> bool {
    list.binary_search(&x).is_ok()
}

impl<'a> CoverCounts<'a> {
    /// Empty counts for `slot` (no team placed).
    pub fn new(instance: &'a Instance, slot: Slot) -> Self {
        CoverCounts {
            instance,
            slot,
            response: vec![0; instance.regions().len()],
            backup: vec![0; instance.regions().len()],
            load: vec![0; instance.posts().len()],
            post_of: vec![None; instance.teams().len()],
            value: 0.0,
        }
    }

    /// Counts with every `(team, post)` of `placed` added.
    pub fn with_placed(instance: &'a Instance, slot: Slot, placed: &[(TeamIdx, u32)]) -> Self {
        let mut c = CoverCounts::new(instance, slot);
        for &(t, p) in placed {
            c.add(t, p);
        }
        c
    }

    /// The instance these counts are for.
    pub fn instance(&self) -> &'a Instance {
        self.instance
    }

    /// The slot these counts are for.
    pub fn slot(&self) -> Slot {
        self.slot
    }

    /// Current response + backup value of the slot.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Value recomputed from the counts (no accumulated rounding).
    pub fn recomputed_value(&self) -> f64 {
        let obj = &self.instance.objective();
        (0..self.response.len())
            .map(|r| {
                let risk = self.risk(r);
                let mut v = 0.0;
                if self.response[r] >= 1 {
                    v += obj.response_weight * risk;
                }
                if self.backup[r] >= 2 {
                    v += obj.backup_weight * risk;
                }
                v
            })
            .sum()
    }

    /// Number of placed teams within the response standard of region `r`.
    pub fn response_count(&self, r: usize) -> u32 {
        self.response[r]
    }

    /// Number of placed teams within the backup standard of region `r`.
    pub fn backup_count(&self, r: usize) -> u32 {
        self.backup[r]
    }

    /// Number of teams placed at `post`.
    pub fn load(&self, post: u32) -> u32 {
        self.load[post as usize]
    }

    /// Whether `post` has room for one more team.
    pub fn has_room(&self, post: u32) -> bool {
        self.load[post as usize] < self.instance.posts()[post as usize].capacity
    }

    /// Where `team` is placed, if it is.
    pub fn post_of(&self, team: TeamIdx) -> Option<u32> {
        self.post_of[team]
    }

    /// The placements, by team index.
    pub fn placed(&self) -> Vec<(TeamIdx, u32)> {
        self.post_of
            .iter()
            .enumerate()
            .filter_map(|(t, p)| p.map(|p| (t, p)))
            .collect()
    }

    fn risk(&self, r: usize) -> f64 {
        self.instance.regions()[r].risk[self.slot]
    }

    /// Value gained by placing unplaced `team` at `post` (capacity not checked).
    pub fn gain_add(&self, team: TeamIdx, post: u32) -> f64 {
        self.gain_add_except(team, post, None)
    }

    /// Gain of adding `team` at `post` with the contribution of a team at `without`
    /// (same cover class as `team`) taken out first.
    fn gain_add_except(&self, team: TeamIdx, post: u32, without: Option<u32>) -> f64 {
        let obj = &self.instance.objective();
        let reach = &self.instance.reach();
        let (old_resp, old_back): (&[u32], &[u32]) = match without {
            Some(q) => (
                reach.response_regions(team, q as usize),
                reach.backup_regions(team, q as usize),
            ),
            None => (&[], &[]),
        };
        let mut gain = 0.0;
        for &r in reach.response_regions(team, post as usize) {
            let c = self.response[r as usize] - has(old_resp, r) as u32;
            if c == 0 {
                gain += obj.response_weight * self.risk(r as usize);
            }
        }
        for &r in reach.backup_regions(team, post as usize) {
            let c = self.backup[r as usize] - has(old_back, r) as u32;
            if c == 1 {
                gain += obj.backup_weight * self.risk(r as usize);
            }
        }
        gain
    }

    /// Value lost by removing placed `team` (0 when it is not placed).
    pub fn loss_remove(&self, team: TeamIdx) -> f64 {
        let Some(post) = self.post_of[team] else {
            return 0.0;
        };
        let obj = &self.instance.objective();
        let reach = &self.instance.reach();
        let mut loss = 0.0;
        for &r in reach.response_regions(team, post as usize) {
            if self.response[r as usize] == 1 {
                loss += obj.response_weight * self.risk(r as usize);
            }
        }
        for &r in reach.backup_regions(team, post as usize) {
            if self.backup[r as usize] == 2 {
                loss += obj.backup_weight * self.risk(r as usize);
            }
        }
        loss
    }

    /// Change of value if placed `team` moves to `post` (capacity not checked); for an
    /// unplaced team, the gain of adding it.
    pub fn delta_move(&self, team: TeamIdx, post: u32) -> f64 {
        match self.post_of[team] {
            None => self.gain_add(team, post),
            Some(q) if q == post => 0.0,
            Some(q) => self.gain_add_except(team, post, Some(q)) - self.loss_remove(team),
        }
    }

    /// Places unplaced `team` at `post` (capacity not checked; see [`Self::has_room`]).
    ///
    /// # Panics
    /// If the team is already placed: a team counts once (distinct teams).
    pub fn add(&mut self, team: TeamIdx, post: u32) {
        assert!(
            self.post_of[team].is_none(),
            "team {team} is already placed; remove it first"
        );
        self.value += self.gain_add(team, post);
        let reach = &self.instance.reach();
        for &r in reach.response_regions(team, post as usize) {
            self.response[r as usize] += 1;
        }
        for &r in reach.backup_regions(team, post as usize) {
            self.backup[r as usize] += 1;
        }
        self.load[post as usize] += 1;
        self.post_of[team] = Some(post);
    }

    /// Removes `team`; returns the post it stood at (`None` if it was not placed).
    pub fn remove(&mut self, team: TeamIdx) -> Option<u32> {
        let post = self.post_of[team]?;
        self.value -= self.loss_remove(team);
        let reach = &self.instance.reach();
        for &r in reach.response_regions(team, post as usize) {
            self.response[r as usize] -= 1;
        }
        for &r in reach.backup_regions(team, post as usize) {
            self.backup[r as usize] -= 1;
        }
        self.load[post as usize] -= 1;
        self.post_of[team] = None;
        Some(post)
    }

    /// Moves `team` to `post` (placing it if unplaced); returns the value change.
    pub fn move_to(&mut self, team: TeamIdx, post: u32) -> f64 {
        let before = self.value;
        self.remove(team);
        self.add(team, post);
        self.value - before
    }
}
