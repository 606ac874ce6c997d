//! What the attackers did and what the honest members got: the report's `attack` section.
//!
//! With a scenario's `attackers` ([`crate::sim::attack`]) the recorder keeps who attacks, counts
//! the payload packets they withheld and the latency of every first delivery to an honest node.
//! The report then reads, over the **honest** receivers only (live members at the end that are
//! not attackers, owed a message as the main report owes it: members when it was sent, not its
//! sender): for each message sent, the fraction of its honest receivers that delivered it (the
//! mean over messages and the worst message), the honest deliveries made over those owed, and
//! the honest latency percentiles, nearest-rank as [`LatencyMs`] computes them.

use super::recorder::MessageRecord;
use super::report::Owed;
use super::LatencyMs;
use crate::protocol::NodeId;
use crate::sim::attack::Attack;
use crate::time::SimTime;
use serde::Serialize;

/// The attackers as the recorder tracks them.
#[derive(Clone, Debug)]
pub(super) struct AttackTrack {
    /// One bit per node id: which nodes attack.
    attacker: Vec<u64>,
    count: u32,
    from: SimTime,
    withheld: u64,
    /// The latency of each first delivery to an honest node (microseconds).
    honest_latencies_us: Vec<u64>,
}

/// The report's section on attackers and what the honest nodes received.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AttackReport {
    /// How many nodes attack.
    pub attackers: u32,
    /// When they stopped forwarding (milliseconds).
    pub from_ms: f64,
    /// Payload packets the attackers withheld (each copy to each receiver counts).
    pub withheld_packets: u64,
    /// Honest live members at the end: live members that do not attack (senders included).
    pub honest_live_nodes: u32,
    /// Deliveries to honest receivers over the deliveries owed to them (1 if none is owed).
    pub honest_delivered_ratio: f64,
    /// Per message sent, the fraction of its honest receivers that delivered it: the mean over
    /// messages (null if no message was owed to an honest receiver).
    pub honest_received_mean: Option<f64>,
    /// The same fraction for the worst message.
    pub honest_received_worst: Option<f64>,
    /// Time from a message's send to its delivery, over first deliveries to honest nodes.
    pub honest_latency_ms: LatencyMs,
}

impl AttackTrack {
    /// Tracks `attack` over `nodes` node ids.
    pub(super) fn new(attack: &Attack, nodes: u32) -> Self {
        let mut attacker = vec![0u64; (nodes as usize).div_ceil(64)];
        let mut count = 0;
        for &n in &attack.nodes {
            if let Some(w) = attacker.get_mut((n / 64) as usize) {
                *w |= 1 << (n % 64);
                count += 1;
            }
        }
        AttackTrack { attacker, count, from: attack.from, withheld: 0, honest_latencies_us: Vec::new() }
    }

    /// Whether node `node` attacks.
    pub(super) fn is_attacker(&self, node: NodeId) -> bool {
        self.attacker.get((node / 64) as usize).is_some_and(|w| w >> (node % 64) & 1 == 1)
    }

    /// An attacker withheld a payload packet.
    pub(super) fn on_withheld(&mut self) {
        self.withheld += 1;
    }

    /// Payload packets withheld so far.
    pub(super) fn withheld(&self) -> u64 {
        self.withheld
    }

    /// Node `node` delivered a message for the first time, `latency_us` after its send.
    pub(super) fn on_first_delivery(&mut self, node: NodeId, latency_us: u64) {
        if !self.is_attacker(node) {
            self.honest_latencies_us.push(latency_us);
        }
    }

    /// The section, given the messages' records, who is owed them and which nodes are live.
    pub(super) fn report(&self, messages: &[MessageRecord], owed: &Owed, alive: &[bool]) -> AttackReport {
        // Live attackers, one bit each: every one is owed every message (an initial member and
        // never a sender), so honest = owed less them.
        let live_attackers: Vec<u64> =
            self.attacker.iter().enumerate().map(|(w, &bits)| bits & live_bits(alive, w)).collect();
        let live_attacker_count: u64 = live_attackers.iter().map(|w| u64::from(w.count_ones())).sum();
        let (mut delivered, mut expected) = (0u64, 0u64);
        let mut fractions = Vec::new();
        for m in messages {
            let (delivered_m, expected_m, _) = owed.of(m);
            let attackers_got: u64 =
                m.got.iter().zip(&live_attackers).map(|(g, a)| u64::from((g & a).count_ones())).sum();
            let expected_h = expected_m.saturating_sub(live_attacker_count);
            let delivered_h = delivered_m.saturating_sub(attackers_got);
            delivered += delivered_h;
            expected += expected_h;
            if m.sent_at.is_some() && expected_h > 0 {
                fractions.push(delivered_h as f64 / expected_h as f64);
            }
        }
        let live = alive.iter().filter(|&&a| a).count() as u64;
        AttackReport {
            attackers: self.count,
            from_ms: self.from.as_ms_f64(),
            withheld_packets: self.withheld,
            honest_live_nodes: live.saturating_sub(live_attacker_count) as u32,
            honest_delivered_ratio: if expected == 0 { 1.0 } else { delivered as f64 / expected as f64 },
            honest_received_mean: (!fractions.is_empty())
                .then(|| fractions.iter().sum::<f64>() / fractions.len() as f64),
            honest_received_worst: fractions.iter().copied().reduce(f64::min),
            honest_latency_ms: LatencyMs::of(&self.honest_latencies_us),
        }
    }
}

/// The live flags of nodes `64 w .. 64 w + 63` as one word.
fn live_bits(alive: &[bool], w: usize) -> u64 {
    alive.iter().skip(w * 64).take(64).enumerate().fold(0, |acc, (b, &a)| acc | u64::from(a) << b)
}
