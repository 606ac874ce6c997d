//! The report: what `mcast run` prints, and how it is read out of the recorder.
//!
//! [`Report`] and its pieces are the serialised schema (field order is output order; docs/metrics.md
//! defines each field). [`Metrics::report`] computes one from the running totals at the end of a
//! run: who was owed each message (see the module notes on churn), the latency and completion
//! percentiles, the traffic split and the relative message redundancy. [`Counters`] and
//! [`Metrics::owed`] are the cheap read-outs the page polls while a run animates.

use super::epidemic::{Epidemic, Sums};
use super::recorder::MessageRecord;
use super::{Hops, Implosion, LinkStress, Metrics, SentPerNode, Series, StreamReport};
use crate::protocol::{NodeId, PacketKind};
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many messages [`MessageCompletion::per_message`] lists at most.
pub const PER_MESSAGE_CAP: usize = 1000;

/// The counters the page shows while a run animates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Packets sent, by kind (indexed by `PacketKind as usize`).
    pub sent: [u64; PacketKind::COUNT],
    /// Packets the network dropped at random (global, override or burst loss).
    pub lost: u64,
    /// Packets dropped because an uplink or downlink queue was full.
    pub dropped_queue: u64,
    /// Packets dropped by a partition.
    pub dropped_partition: u64,
    /// First deliveries of a message to a receiver.
    pub deliveries: u64,
    /// Events processed.
    pub events: u64,
    /// Payload packets the scenario's attackers withheld (0 without attackers).
    pub withheld: u64,
}

/// Latency percentiles over first deliveries, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LatencyMs {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest delivery.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

/// Per-message completion: from a message's send until the last receiver delivered it.
///
/// A message is complete when every receiver alive at the end has delivered it; its completion
/// time runs from the application's send to the last first delivery (which may be by a receiver
/// that crashed afterwards). Percentiles are nearest-rank over complete messages, null if none.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MessageCompletion {
    /// Messages every live receiver delivered.
    pub complete: u32,
    /// Messages some live receiver never delivered (or that were never sent before the end).
    pub incomplete: u32,
    /// Median completion time (milliseconds).
    pub p50: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Slowest complete message.
    pub max: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
    /// Each message's completion time in id order, null if incomplete: the first 1000 messages
    /// only. Left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_message: Vec<Option<f64>>,
}

/// Packets and bytes sent, split into payload (data, retransmissions) and control (the rest).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Traffic {
    /// Packets carrying application payload.
    pub payload_packets: u64,
    /// Their bytes on the wire.
    pub payload_bytes: u64,
    /// Control packets: ACKs, NAKs, announcements.
    pub control_packets: u64,
    /// Their bytes on the wire.
    pub control_bytes: u64,
}

/// Everything a run measured, as the CLI prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The run's fingerprint: equal hashes, equal runs.
    pub trace_hash: String,
    /// `deliveries` over `expected_deliveries` (0 to 1; 1 if nothing is owed).
    pub delivered_ratio: f64,
    /// First deliveries of messages to the receivers they are owed to (see `expected_deliveries`).
    pub deliveries: u64,
    /// What a perfect run delivers: for each message, the receivers that were members when it
    /// was sent (joined strictly before) and are live members at the end (not crashed, not left).
    pub expected_deliveries: u64,
    /// Deliveries of a message a node already had (0 for a correct protocol).
    pub duplicate_deliveries: u64,
    /// Time from a message's send to its delivery, over all first deliveries.
    pub latency_ms: LatencyMs,
    /// When the last delivery happened (milliseconds).
    pub completion_ms: f64,
    /// Per-message completion times and their summary.
    pub message_completion_ms: MessageCompletion,
    /// Payload vs control traffic.
    pub traffic: Traffic,
    /// The same, counting only the packets sent before the last first delivery (`completion_ms`):
    /// the overhead of delivering, without the heartbeats and sessions of the idle time after.
    pub traffic_to_last_delivery: Traffic,
    /// Payload packets that reached a live node already holding their message.
    pub duplicates_received: u64,
    /// Relative message redundancy, m / (n − 1) − 1 per message, averaged over the messages that
    /// reached at least one receiver (null if none did). See the module docs.
    pub rmr: Option<f64>,
    /// The most packets that arrived at one live node within one 100 ms bucket.
    pub implosion: Implosion,
    /// The most copies of one message one node sent back to back.
    pub link_stress: LinkStress,
    /// Packets sent per node.
    pub sent_per_node: SentPerNode,
    /// Hop counts of first deliveries.
    pub hops: Hops,
    /// Packets sent, by kind (those a full queue dropped included; not those still queued in a
    /// crashed sender's uplink).
    pub packets: BTreeMap<&'static str, u64>,
    /// Bytes sent, by kind.
    pub bytes: BTreeMap<&'static str, u64>,
    /// Packets the network dropped at random (global, per-node or per-link, or burst loss).
    pub packets_lost: u64,
    /// Packets dropped at their sender's full uplink queue (drop-tail); they never left.
    pub packets_dropped_uplink: u64,
    /// Packets dropped at their receiver's full downlink queue (drop-tail).
    pub packets_dropped_downlink: u64,
    /// Packets dropped by a partition between their sender and receiver.
    pub packets_dropped_partition: u64,
    /// Packets that reached a crashed node and were dropped there.
    pub packets_to_crashed: u64,
    /// Packets still queued in a sender's uplink when it crashed (they never left).
    pub packets_lost_in_crash: u64,
    /// Packets that reached a paused node and were dropped there.
    pub packets_to_paused: u64,
    /// Packets that reached a node that had left the group or had not joined it yet.
    pub packets_to_absent: u64,
    /// Nodes that joined the group during the run.
    pub joins: u64,
    /// Nodes that left the group during the run.
    pub leaves: u64,
    /// The epidemic literature's measures: residue, traffic, t_ave, t_last and the histogram of
    /// per-message delivery fractions (see docs/metrics.md).
    pub epidemic: Epidemic,
    /// The broadcast measures of Leitão et al. (Plumtree, §4): reliability and last delivery hop
    /// per message (their redundancy is `rmr`).
    pub broadcast: super::BroadcastMeasures,
    /// For a live stream: how many packets each receiver got late or never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamReport>,
    /// Why the run stopped before its end: `"event budget"` or `"memory budget"` (see
    /// `docs/architecture.md`, bounded runs); null when it ran to its end.
    pub stopped: Option<&'static str>,
    /// Events the kernel processed.
    pub events: u64,
    /// Simulated time when the run stopped (milliseconds).
    pub sim_time_ms: f64,
    /// Node ids in the run: the initial group and every joiner.
    pub nodes: u32,
    /// Live members at the end: joined, not left, not crashed (a paused node counts).
    pub live_nodes: u32,
    /// Messages the workload sent.
    pub messages: u32,
    /// Counts per bucket of time, if recording was asked for (`mcast run --series`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// With SWIM as the membership service: how fast crashes were detected and how often live
    /// members were suspected or declared failed (see `super::MembershipReport`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<super::MembershipReport>,
    /// With the scenario's attackers: how many, what they withheld, and what the honest nodes
    /// received and how fast (see `super::AttackReport`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attack: Option<super::AttackReport>,
}

/// Who is owed a message: the live members, less the sender and the joiners that came after it.
pub(super) struct Owed<'a> {
    dead: Vec<NodeId>,
    live_nodes: u64,
    /// Live joiners by join time: a message is owed to those that joined before its send.
    joiners: Vec<(SimTime, NodeId)>,
    alive: &'a [bool],
    now: SimTime,
}

impl<'a> Owed<'a> {
    fn new(join_at: &BTreeMap<NodeId, SimTime>, alive: &'a [bool], now: SimTime) -> Self {
        let dead: Vec<NodeId> = (0..alive.len() as u32).filter(|&i| !alive[i as usize]).collect();
        let mut joiners: Vec<(SimTime, NodeId)> =
            join_at.iter().filter(|(&n, _)| alive[n as usize]).map(|(&n, &t)| (t, n)).collect();
        joiners.sort_unstable();
        Owed { live_nodes: alive.len() as u64 - dead.len() as u64, dead, joiners, alive, now }
    }

    /// Message `m`'s (deliveries owed and made, deliveries owed, receivers that got it at all).
    pub(super) fn of(&self, m: &MessageRecord) -> (u64, u64, u64) {
        let sender_alive = self.alive[m.sender as usize];
        let late = &self.joiners[self.joiners.partition_point(|j| j.0 < m.sent_at.unwrap_or(self.now))..];
        let expected = self.live_nodes - u64::from(sender_alive) - late.len() as u64;
        let total: u64 = m.got.iter().map(|w| u64::from(w.count_ones())).sum();
        let delivered = total
            - self.dead.iter().filter(|&&d| m.has(d)).count() as u64
            - late.iter().filter(|j| m.has(j.1)).count() as u64;
        (delivered, expected, total)
    }
}

/// The report's sums over messages, in id order: deliveries made and owed, completion times and
/// the relative message redundancy.
struct Tally {
    delivered: u64,
    expected: u64,
    completion: MessageCompletion,
    rmr: Option<f64>,
    /// Each sent message's delivered fraction of what it was owed (those owed nothing left out).
    fractions: Vec<f64>,
}

impl Tally {
    fn of(messages: &[MessageRecord], owed: &Owed) -> Self {
        let (mut delivered, mut expected) = (0u64, 0u64);
        let (mut completions, mut per_message) = (Vec::new(), Vec::new());
        let (mut rmr_sum, mut rmr_count) = (0.0, 0u64);
        let mut fractions = Vec::new();
        for m in messages {
            let (delivered_m, expected_m, total) = owed.of(m);
            expected += expected_m;
            delivered += delivered_m;
            if m.sent_at.is_some() && expected_m > 0 {
                fractions.push(delivered_m as f64 / expected_m as f64);
            }
            let completion = match (m.sent_at, delivered_m == expected_m) {
                (Some(sent), true) => Some(m.last_delivery.map_or(0, |t| t.since(sent).0)),
                _ => None,
            };
            completions.extend(completion);
            if per_message.len() < PER_MESSAGE_CAP {
                per_message.push(completion.map(|us| us as f64 / 1000.0));
            }
            if total > 0 {
                // n − 1 = the receivers that got it.
                rmr_sum += m.payload_received as f64 / total as f64 - 1.0;
                rmr_count += 1;
            }
        }
        completions.sort_unstable();
        let completion = MessageCompletion::of(&completions, per_message, messages.len());
        let rmr = (rmr_count > 0).then(|| rmr_sum / rmr_count as f64);
        Tally { delivered, expected, completion, rmr, fractions }
    }

    /// Deliveries made over deliveries owed, 1 if nothing is owed.
    fn delivered_ratio(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.delivered as f64 / self.expected as f64
        }
    }
}

impl MessageCompletion {
    /// The summary of `completions` (the complete messages' times in microseconds, sorted) over
    /// `messages` messages, with the first messages' times `per_message`.
    fn of(completions: &[u64], per_message: Vec<Option<f64>>, messages: usize) -> Self {
        let c = completions;
        MessageCompletion {
            complete: c.len() as u32,
            incomplete: (messages - c.len()) as u32,
            p50: (!c.is_empty()).then(|| percentile(c, 0.50)),
            p99: (!c.is_empty()).then(|| percentile(c, 0.99)),
            max: c.last().map(|&v| v as f64 / 1000.0),
            mean: (!c.is_empty()).then(|| c.iter().sum::<u64>() as f64 / c.len() as f64 / 1000.0),
            per_message,
        }
    }
}

impl LatencyMs {
    /// The percentiles of `latencies_us`, by selection: sorting millions of latencies took 3 % of
    /// a large run.
    pub(super) fn of(latencies_us: &[u64]) -> Self {
        let mut lat = latencies_us.to_vec();
        let (p50, p99) = (select_percentile(&mut lat, 0.50), select_percentile(&mut lat, 0.99));
        let max = lat.iter().max().map_or(0.0, |&v| v as f64 / 1000.0);
        let mean = if lat.is_empty() { 0.0 } else { lat.iter().sum::<u64>() as f64 / lat.len() as f64 / 1000.0 };
        LatencyMs { p50, p99, max, mean }
    }
}

/// A count per packet kind, keyed by the kind's name.
fn by_kind(v: &[u64; PacketKind::COUNT]) -> BTreeMap<&'static str, u64> {
    PacketKind::ALL.iter().map(|k| (k.name(), v[*k as usize])).collect()
}

/// The nearest-rank percentile `p` of `v` in milliseconds (0 if empty), as [`percentile`] gives
/// it on the sorted values, found by selection in linear time (the order of `v` changes).
fn select_percentile(v: &mut [u64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    *v.select_nth_unstable(rank - 1).1 as f64 / 1000.0
}

/// The nearest-rank percentile `p` of `sorted` (microseconds) in milliseconds, 0 if empty.
fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

impl Metrics {
    /// The counters the page shows.
    pub fn counters(&self) -> Counters {
        Counters {
            sent: self.sent,
            lost: self.lost,
            dropped_queue: self.dropped_uplink + self.dropped_downlink,
            dropped_partition: self.dropped_partition,
            deliveries: self.deliveries,
            events: self.events,
            withheld: self.attack.as_ref().map_or(0, |a| a.withheld()),
        }
    }

    /// Deliveries made and owed as of `now`, counted as [`Metrics::report`] counts them (see the
    /// module's notes on churn), without the rest of the report: cheap enough for the page to
    /// poll. `alive` marks the live members.
    pub fn owed(&self, alive: &[bool], now: SimTime) -> (u64, u64) {
        let owed = Owed::new(&self.join_at, alive, now);
        self.messages.iter().map(|m| owed.of(m)).fold((0, 0), |(d, e), (dm, em, _)| (d + dm, e + em))
    }

    /// The latency of every first delivery so far, in milliseconds, at `points` evenly spaced
    /// quantiles from 0 to 1 (the first the fastest, the last the slowest): a latency CDF's
    /// x values, its y values being `i / (points - 1)`. Empty if nothing was delivered.
    /// Each node's packets sent and received so far, in node order (for the page's notes on who
    /// carries the load). Not part of the [`Report`]: at a million nodes it would add 8 MB to
    /// every report.
    pub fn node_packets(&self) -> Vec<super::NodePackets> {
        self.load.per_node()
    }

    /// The latency of every first delivery so far in ms at `points` evenly spaced quantiles.
    pub fn latency_quantiles_ms(&self, points: usize) -> Vec<f64> {
        let mut lat = self.latencies_us.clone();
        lat.sort_unstable();
        let Some(last) = lat.len().checked_sub(1) else { return Vec::new() };
        let steps = points.max(2) - 1;
        (0..=steps).map(|i| lat.get(i * last / steps).map_or(0.0, |&us| us as f64 / 1000.0)).collect()
    }

    /// The full report, given which nodes are live members (up or paused), the trace hash and
    /// the time.
    pub fn report(&self, alive: &[bool], trace_hash: String, now: SimTime) -> Report {
        let owed = Owed::new(&self.join_at, alive, now);
        let tally = Tally::of(&self.messages, &owed);
        let latency_ms = LatencyMs::of(&self.latencies_us);
        let traffic = Self::traffic(&self.sent, &self.bytes);
        let sums = Sums {
            delivered: tally.delivered,
            expected: tally.expected,
            payload_packets: traffic.payload_packets,
            nodes: alive.len() as u32,
            messages: self.messages.iter().filter(|m| m.sent_at.is_some()).count() as u32,
            mean_ms: latency_ms.mean,
            max_ms: latency_ms.max,
        };
        let epidemic = Epidemic::of(sums, tally.fractions.iter().copied(), self.round_ms);
        let broadcast = super::BroadcastMeasures::of(&self.messages, &tally.fractions);
        Report {
            trace_hash,
            delivered_ratio: tally.delivered_ratio(),
            deliveries: tally.delivered,
            expected_deliveries: tally.expected,
            duplicate_deliveries: self.duplicate_deliveries,
            latency_ms,
            completion_ms: self.last_delivery.as_ms_f64(),
            message_completion_ms: tally.completion,
            traffic,
            traffic_to_last_delivery: Self::traffic(&self.at_last_delivery.0, &self.at_last_delivery.1),
            duplicates_received: self.duplicates_received,
            rmr: tally.rmr,
            implosion: self.load.implosion(),
            link_stress: self.load.link_stress(),
            sent_per_node: self.load.sent_per_node(),
            hops: self.load.hops(),
            packets: by_kind(&self.sent),
            bytes: by_kind(&self.bytes),
            packets_lost: self.lost,
            packets_to_crashed: self.to_crashed,
            packets_lost_in_crash: self.lost_in_crash,
            packets_to_paused: self.to_paused,
            packets_to_absent: self.to_absent,
            joins: self.join_at.len() as u64,
            leaves: self.leaves,
            epidemic,
            broadcast,
            stream: self.stream.as_ref().map(|st| st.report(self, alive, now)),
            packets_dropped_uplink: self.dropped_uplink,
            packets_dropped_downlink: self.dropped_downlink,
            packets_dropped_partition: self.dropped_partition,
            stopped: None,
            events: self.events,
            sim_time_ms: now.as_ms_f64(),
            nodes: alive.len() as u32,
            live_nodes: owed.live_nodes as u32,
            messages: self.messages.len() as u32,
            membership: None,
            series: self.series.as_ref().map(|s| s.series()),
            attack: self.attack.as_ref().map(|a| a.report(&self.messages, &owed, alive)),
        }
    }

    /// Packets and bytes sent, summed into payload and control.
    fn traffic(sent: &[u64; PacketKind::COUNT], bytes: &[u64; PacketKind::COUNT]) -> Traffic {
        let mut t = Traffic::default();
        for k in PacketKind::ALL {
            let (p, b) = (sent[k as usize], bytes[k as usize]);
            if k.is_payload() {
                (t.payload_packets, t.payload_bytes) = (t.payload_packets + p, t.payload_bytes + b);
            } else {
                (t.control_packets, t.control_bytes) = (t.control_packets + p, t.control_bytes + b);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MsgId;
    use rand::{Rng, SeedableRng};

    #[test]
    fn selected_percentiles_equal_sorted_ones() {
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for len in [1usize, 2, 3, 99, 100, 101, 1000, 4321] {
            let v: Vec<u64> = (0..len).map(|_| r.random_range(0..500u64)).collect();
            let mut sorted = v.clone();
            sorted.sort_unstable();
            let mut w = v.clone();
            for p in [0.5, 0.99, 0.5, 0.01, 1.0] {
                assert_eq!(select_percentile(&mut w, p), percentile(&sorted, p), "len {len}, p {p}");
            }
        }
        assert_eq!(select_percentile(&mut [], 0.5), 0.0);
    }

    #[test]
    fn duplicates_and_self_delivery_are_not_counted() {
        let mut m = Metrics::new(4, &[0]);
        m.on_app_send(MsgId(0), SimTime(10));
        assert!(m.on_deliver(0, MsgId(0), SimTime(10), None));
        assert!(m.on_deliver(1, MsgId(0), SimTime(1010), Some(0)));
        assert!(!m.on_deliver(1, MsgId(0), SimTime(2010), Some(0)));
        assert!(m.on_deliver(2, MsgId(0), SimTime(3010), Some(0)));
        let r = m.report(&[true, true, false, true], "x".into(), SimTime(5000));
        // Node 2 crashed: expected = 2 live receivers (1 and 3), delivered = 1 (node 1).
        assert_eq!((r.deliveries, r.expected_deliveries, r.duplicate_deliveries), (1, 2, 1));
        assert_eq!(r.delivered_ratio, 0.5);
        assert_eq!(r.latency_ms.max, 3.0);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&[7000], 0.99), 7.0);
    }
}
