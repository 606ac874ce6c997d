//! The scenario's limits and the small checks every part uses: where a run may go (the browser's
//! and the CLI's caps), the largest values a field may hold, and range checks that name their
//! field. Validation, faults, network and workload all read them; they read nothing back.

use super::ScenarioError;
use crate::sim::budget::Budget;

/// Caps that depend on where the scenario runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest group.
    pub max_group: u32,
    /// Where to point people whose group is too large.
    pub too_large_hint: &'static str,
    /// The most events a run may process: the kernel stops it there (`"stopped": "event
    /// budget"`). Natively one to two minutes at the engine's 3-5 M events per second.
    pub max_events: u64,
    /// The most memory a run may use (bytes): its event queue stops it past what its nodes and
    /// metrics leave of this (`"stopped": "memory budget"`).
    pub max_memory_bytes: u64,
}

impl Limits {
    /// The native CLI's caps (`mcast run --budget` raises the events).
    pub const NATIVE: Limits =
        Limits { max_group: 1_000_000, too_large_hint: "", max_events: 300_000_000, max_memory_bytes: 4 << 30 };
    /// The browser's caps: past this the tab would stutter; the CLI takes more.
    pub const BROWSER: Limits = Limits {
        max_group: 20_000,
        too_large_hint: "; larger groups run in the native CLI (`mcast run`), up to 1000000",
        max_events: 30_000_000,
        max_memory_bytes: 512 << 20,
    };

    /// The run budget these limits give the kernel.
    pub fn budget(&self) -> Budget {
        Budget { events: self.max_events, queue_bytes: self.max_memory_bytes }
    }
}

/// The largest seed: 2^53 - 1, the largest integer JavaScript holds exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// The most messages (or stream packets) a workload may send, all senders together.
pub(crate) const MAX_MESSAGES: u32 = 100_000;
/// The longest time a scenario may name (milliseconds): one hour.
pub(crate) const MAX_MS: f64 = 3_600_000.0;
/// The shortest run (milliseconds): one tick of the clock, which counts microseconds.
pub(crate) const MIN_DURATION_MS: f64 = 0.001;
/// The largest payload (bytes).
pub(crate) const MAX_BYTES: u32 = 10_000_000;
/// The fastest link, in bytes per second, and the largest queue, in bytes: 2^50 (about a
/// petabyte), past any real link and below 2^53 so JavaScript holds it exactly.
pub(crate) const MAX_RATE: u64 = 1 << 50;

/// Checks that `v` is a number of milliseconds in `[0, max]`.
pub(crate) fn ms(field: &str, v: f64, max: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || v < 0.0 || v > max {
        return Err(ScenarioError::invalid(field, format!("must be a number of milliseconds in [0, {max}], got {v}")));
    }
    Ok(())
}

pub(crate) fn probability(field: &str, v: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || !(0.0..=1.0).contains(&v) {
        return Err(ScenarioError::invalid(field, format!("must be a probability in [0, 1], got {v}")));
    }
    Ok(())
}

/// Checks that `v` is one of the `size` initial members (a joiner cannot be named here: its
/// rates, links and partitions would not exist before it joins).
pub(crate) fn node(field: &str, v: u32, size: u32) -> Result<(), ScenarioError> {
    if v >= size {
        return Err(ScenarioError::invalid(
            field,
            format!("node {v} is not an initial member (they are 0 to {})", size.saturating_sub(1)),
        ));
    }
    Ok(())
}
