//! What a family's checks and run-size estimate know of a scenario ([`RunInfo`]), and what the
//! estimate says ([`Load`]): the packets and timers a run is expected to cost, term by term,
//! each with the field that drives it and its formula in words.
//!
//! The estimate is of an ordinary run, not the worst case: losses at the network's worst loss
//! rate, retransmission rounds as many as those losses need. It decides up front whether a
//! scenario fits its budget (`docs/architecture.md`, bounded runs); a run that costs more than
//! estimated is stopped by the kernel at the budget, never left to run for hours.

use crate::protocol::NodeId;

/// What a family's checks and run-size estimate know of the scenario around its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    /// Initial members.
    pub size: u32,
    /// Nodes that join during the run (explicit joins and the churn drawn).
    pub joiners: u32,
    /// The workload's senders, in the scenario's order.
    pub senders: Vec<NodeId>,
    /// Messages (or stream packets) the workload sends.
    pub messages: u64,
    /// Payload bytes of one message.
    pub message_bytes: u32,
    /// Time from the first message to the last (milliseconds).
    pub span_ms: f64,
    /// Messages under way at once: each message's copies take a while to drain from an uplink
    /// and cross the network, and messages sent closer together than that overlap.
    pub concurrent: u64,
    /// How long a copy may wait in its sender's uplink behind the messages under way
    /// (milliseconds): each message's drain time times the messages under way.
    pub queue_delay_ms: f64,
    /// Whether the network replicates multicast packets (one copy through the uplink).
    pub native_multicast: bool,
    /// The run's length (milliseconds).
    pub duration_ms: f64,
    /// Node lives: initial members, plus one per joiner and per recovery.
    pub lives: u64,
    /// Entries in the scenario's `faults` list.
    pub fault_entries: u64,
    /// The worst loss probability a packet may meet (global, burst, per node or per link).
    pub loss: f64,
    /// A typical one-way latency (milliseconds).
    pub latency_ms: f64,
    /// The round length in the round-synchronous network mode (`network.mode.rounds`), where a
    /// packet sent in one round arrives at the start of the next; `None` in the event-driven mode.
    pub round_ms: Option<f64>,
}

impl RunInfo {
    /// Receivers a message may be owed to: every node but its sender, joiners included.
    pub fn receivers(&self) -> u64 {
        u64::from(self.size.saturating_sub(1)) + u64::from(self.joiners)
    }

    /// Expected transmissions of one packet until it gets through, when each attempt fails with
    /// probability `fail` and at most `1 + retries` are made: 1 + q + q² + … + q^retries.
    pub fn attempts(fail: f64, retries: u32) -> f64 {
        let q = fail.clamp(0.0, 1.0);
        if q >= 1.0 {
            return f64::from(retries) + 1.0;
        }
        (1.0 - q.powi(retries as i32 + 1)) / (1.0 - q)
    }

    /// Rounds a sender runs until `receivers` each got a packet through, each attempt failing
    /// with probability `fail`, at most `1 + retries`: the rounds until the expected number of
    /// receivers still missing it falls below one.
    pub fn rounds_until_all(fail: f64, receivers: u64, retries: u32) -> u64 {
        let q = fail.clamp(0.0, 1.0);
        if q <= 0.0 || receivers <= 1 {
            return 1;
        }
        if q >= 1.0 {
            return u64::from(retries) + 1;
        }
        let needed = ((receivers as f64).ln() / -q.ln()).ceil() as u64 + 1;
        needed.clamp(1, u64::from(retries) + 1)
    }

    /// How many times something periodic (every `interval_ms`) happens over the run.
    pub fn periods(&self, interval_ms: f64) -> u64 {
        if interval_ms <= 0.0 {
            return 0;
        }
        (self.duration_ms / interval_ms).ceil().min(1e15) as u64
    }
}

/// What an epidemic model expects of one message: the fraction of live members holding it after
/// each step, for the page to draw beside the measured curve.
#[derive(Clone, Debug, PartialEq)]
pub struct InformedCurve {
    /// The length of one step (a round, or a gossip period), in milliseconds.
    pub step_ms: f64,
    /// The expected fraction informed at the start (index 0: the source alone) and after each
    /// step, from 0 to 1.
    pub fractions: Vec<f64>,
    /// The model, in words, with its source (`"mean-field push: x' = 1 − (1 − x)·e^(−f·x)"`).
    pub model: String,
}

/// One term of a run's expected cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// The scenario field that drives it (`workload.messages`, `protocol.heartbeat_interval_ms`).
    pub field: &'static str,
    /// What it counts, with its formula in words.
    pub what: String,
    /// Packets it sends.
    pub packets: u64,
    /// Timers it fires.
    pub timers: u64,
    /// The most of its packets and timers waiting in the kernel's queue at once.
    pub queued: u64,
}

impl Load {
    /// A term of `packets` packets, at most `queued` of them under way at once, and no timers.
    pub fn packets(field: &'static str, what: impl Into<String>, packets: f64, queued: f64) -> Load {
        let packets = round(packets);
        Load { field, what: what.into(), packets, timers: 0, queued: round(queued).min(packets) }
    }

    /// A term of `timers` timers, at most `pending` set at once, and no packets.
    pub fn timers(field: &'static str, what: impl Into<String>, timers: f64, pending: f64) -> Load {
        let timers = round(timers);
        Load { field, what: what.into(), packets: 0, timers, queued: round(pending).min(timers) }
    }
}

/// `x` as a count, rounded up, saturating.
fn round(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 {
        x.ceil().min(u64::MAX as f64) as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_and_rounds_follow_the_loss() {
        assert_eq!(RunInfo::attempts(0.0, 8), 1.0);
        assert!((RunInfo::attempts(0.5, 2) - 1.75).abs() < 1e-12);
        assert_eq!(RunInfo::attempts(1.0, 3), 4.0);
        assert_eq!(RunInfo::rounds_until_all(0.0, 1000, 8), 1);
        // 1000 receivers at 10 % failure: 1000 · 0.1^k reaches 1 after k = 3 retries, 4 rounds.
        assert_eq!(RunInfo::rounds_until_all(0.1, 1000, 8), 4);
        assert_eq!(RunInfo::rounds_until_all(0.9, 1000, 8), 9);
    }
}
