//! Simulated time: integer microseconds, so that every target agrees on every comparison.
//!
//! Floating-point time would round differently as runs grow long; an integer never does
//! (the same choice as smoltcp's `time::Instant`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in simulated time, in microseconds since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub u64);

/// A span of simulated time, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time; used as "never".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// This time in milliseconds, as a float for display and metrics.
    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The time `ms` milliseconds after the start.
    pub fn from_ms(ms: u64) -> SimTime {
        SimTime(ms.saturating_mul(1000))
    }

    /// The span from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `ms` milliseconds.
    pub fn from_ms(ms: u64) -> SimDuration {
        SimDuration(ms.saturating_mul(1000))
    }

    /// A span of `us` microseconds.
    pub fn from_us(us: u64) -> SimDuration {
        SimDuration(us)
    }

    /// A span given in (possibly fractional) milliseconds, rounded to the nearest microsecond.
    /// Negative and NaN inputs give zero; validation rejects them before they get here.
    pub fn from_ms_f64(ms: f64) -> SimDuration {
        let us = (ms * 1000.0).round();
        if us.is_nan() || us <= 0.0 {
            SimDuration(0)
        } else if us >= u64::MAX as f64 {
            SimDuration(u64::MAX)
        } else {
            SimDuration(us as u64)
        }
    }

    /// This span in milliseconds, as a float for display and metrics.
    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// This span multiplied by `k`, saturating.
    pub fn times(self, k: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(k))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ms", self.as_ms_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimDuration::from_ms_f64(1.0004), SimDuration(1000));
        assert_eq!(SimDuration::from_ms_f64(1.0006), SimDuration(1001));
        assert_eq!(SimDuration::from_ms_f64(f64::NAN), SimDuration(0));
        assert_eq!(SimDuration::from_ms_f64(-3.0), SimDuration(0));
        assert_eq!(SimTime::MAX + SimDuration(5), SimTime::MAX);
        assert_eq!(SimTime(5).since(SimTime(9)), SimDuration::ZERO);
    }
}
