//! A preset that starts where the action is: the run skips ahead to a simulated time before the
//! page plays it ([`super::explain::opening`]), in slices of a few milliseconds of real time per
//! animation frame so the tab never freezes. The skipped part is the same run, event for event:
//! the trace hash at any time is the one a straight run gives.

use mcast::engine::Simulation;
use mcast::time::{SimDuration, SimTime};

/// Real time (ms) one frame may spend skipping ahead.
const FRAME_BUDGET_MS: f64 = 12.0;
/// Simulated time (ms) per call to the engine while skipping.
const STRIDE_MS: u64 = 20;

/// A skip ahead in progress, to `target`.
pub struct Opening {
    target: SimTime,
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

impl Opening {
    /// A skip to `at_ms` of simulated time.
    pub fn to(at_ms: f64) -> Opening {
        Opening { target: SimTime::ZERO + SimDuration::from_ms_f64(at_ms) }
    }

    /// Runs `sim` towards the target for one frame's budget; true once it is there (or the run
    /// is over).
    pub fn advance(&self, sim: &mut dyn Simulation) -> bool {
        let start = now_ms();
        while sim.now() < self.target && !sim.is_done() && now_ms() - start < FRAME_BUDGET_MS {
            let next = sim.now() + SimDuration::from_ms(STRIDE_MS);
            sim.run_until(if next < self.target { next } else { self.target });
        }
        sim.now() >= self.target || sim.is_done()
    }
}
