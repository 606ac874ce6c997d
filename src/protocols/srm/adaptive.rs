//! The adaptive adjustment of SRM's timer constants (Floyd et al. 1997, §7).
//!
//! Each member keeps its own C1, C2, D1, D2 and two exponentially weighted averages per side:
//! duplicates per loss-recovery period and the delay of the first request (or repair) in units of
//! the distance that set the timer. After each period:
//!
//! - too many duplicates (average ≥ `AVE_DUPS`): widen the timers (C1 += 0.1, C2 += 0.5);
//! - few duplicates (below `AVE_DUPS − 0.1`): if the delay is above `AVE_DELAY`, narrow the random
//!   part (C2 −= 0.1), and with almost no duplicates (below 0.25) shorten the fixed part
//!   (C1 −= 0.05);
//! - otherwise lengthen the fixed part a little (C1 += 0.05).
//!
//! A member whose own request went out first shortens its C1 by 0.05 (it is close to the loss and
//! should stay first); the repair side does the same with D1 and D2. C1 and D1 stay in
//! [0.5, 2] and [0.5, log10 G], C2 and D2 in [1, G], G the members this node knows. The constants
//! (weights 1/4, steps 0.1, 0.5, 0.05) are those the paper describes; where it leaves a detail
//! open this follows the rules above.

/// Duplicates per period the adjustment aims at.
const AVE_DUPS: f64 = 1.0;
/// Delay (in distances) above which the random part is narrowed.
const AVE_DELAY: f64 = 1.0;
/// Weight of a new sample in the averages.
const WEIGHT: f64 = 0.25;

/// One side's constants (C1, C2 or D1, D2) and its averages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tuning {
    /// The fixed part (C1 or D1).
    pub fixed: f64,
    /// The random part's width (C2 or D2).
    pub spread: f64,
    ave_dups: f64,
    ave_delay: f64,
}

impl Tuning {
    /// Constants as configured, averages at zero.
    pub fn new(fixed: f64, spread: f64) -> Self {
        Tuning { fixed, spread, ave_dups: 0.0, ave_delay: 0.0 }
    }

    /// Folds in one period: `dups` duplicates, first request or repair after `delay` distances;
    /// `group` is the number of members known, `fixed_max` the fixed part's upper bound.
    pub fn period(&mut self, dups: u32, delay: f64, group: u32, fixed_max: f64) {
        self.ave_dups += WEIGHT * (f64::from(dups) - self.ave_dups);
        if delay.is_finite() {
            self.ave_delay += WEIGHT * (delay - self.ave_delay);
        }
        if self.ave_dups >= AVE_DUPS {
            self.fixed += 0.1;
            self.spread += 0.5;
        } else if self.ave_dups < AVE_DUPS - 0.1 {
            if self.ave_delay > AVE_DELAY {
                self.spread -= 0.1;
            }
            if self.ave_dups < 0.25 {
                self.fixed -= 0.05;
            }
        } else {
            self.fixed += 0.05;
        }
        self.clamp(group, fixed_max);
    }

    /// This member answered first: it is near the loss, so it shortens its fixed part.
    pub fn went_first(&mut self, group: u32, fixed_max: f64) {
        self.fixed -= 0.05;
        self.clamp(group, fixed_max);
    }

    fn clamp(&mut self, group: u32, fixed_max: f64) {
        let g = f64::from(group.max(1));
        self.fixed = self.fixed.clamp(0.5, fixed_max.max(0.5));
        self.spread = self.spread.clamp(1.0, g.max(1.0));
    }
}

/// The request side's bound on C1.
pub const C1_MAX: f64 = 2.0;

/// The repair side's bound on D1: log10 of the group, at least 0.5.
pub fn d1_max(group: u32) -> f64 {
    libm::log10(f64::from(group.max(1))).max(0.5)
}
