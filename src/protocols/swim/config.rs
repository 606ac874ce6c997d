//! SWIM's parameters, with the paper's values where it gives them.

use crate::time::SimDuration;

/// The parameters every member runs SWIM with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SwimConfig {
    /// The protocol period T' (§3.1): one probe per member per period.
    pub period: SimDuration,
    /// How long a direct ping waits for its ack before ping-reqs go out (§3.1; the paper
    /// chooses it from an estimate of the round-trip time, shorter than the period; at or past
    /// the period no ping-req goes out, the direct ping has the whole period).
    pub ping_timeout: SimDuration,
    /// Members asked to ping the target indirectly (§3.1's k).
    pub k: u32,
    /// Whether an unanswered probe only suspects its target (§4.2), or confirms it at once
    /// (the basic protocol of §3).
    pub suspicion: bool,
    /// The suspicion time-out, in protocol periods (§4.2).
    pub suspicion_periods: u32,
    /// λ: each update is piggybacked ⌈λ·ln(n)⌉ times (§4.1, λ log n).
    pub lambda: f64,
    /// The most updates one packet carries.
    pub max_piggyback: u32,
    /// Whether probe targets go round-robin over a random permutation (§4.3), or are picked
    /// uniformly at random each period (§3.1's basic protocol, whose detection time §3.1
    /// analyses). Not a scenario field: the scenario runs §4.3's round-robin.
    pub round_robin: bool,
}

impl Default for SwimConfig {
    fn default() -> SwimConfig {
        SwimConfig {
            period: SimDuration::from_ms(1_000),
            ping_timeout: SimDuration::from_ms(200),
            k: 3,
            suspicion: true,
            suspicion_periods: 10,
            lambda: 3.0,
            max_piggyback: 8,
            round_robin: true,
        }
    }
}

impl SwimConfig {
    /// The suspicion time-out.
    pub fn suspicion_timeout(&self) -> SimDuration {
        self.period.times(u64::from(self.suspicion_periods))
    }
}
