//! What a run measured: packets by kind, loss, deliveries and their latency, and the trace hash.
//!
//! The kernel updates [`Metrics`] on every event; [`Metrics::report`] turns it into the
//! [`Report`] the CLI prints as JSON, and [`Counters`] is the cheap subset the page polls.
//!
//! Deliveries are counted honestly under churn: a message is owed to the receivers that were
//! members when it was sent (initial members, and joiners whose join came strictly before the
//! send) and are live members at the end (not crashed, not left; a paused node counts). A
//! recovered node is still a member: the messages sent while it was down are owed to it.

//!
//! Overhead follows the gossip literature: *duplicates received* are payload packets that reach a
//! live node already holding their message, and the *relative message redundancy* is Leitão,
//! Pereira and Rodrigues' RMR (Epidemic Broadcast Trees, SRDS 2007): for one message,
//! m / (n − 1) − 1 with m the payload packets about it that reached a live node and n the nodes
//! that got it (its origin plus every receiver that delivered it, including receivers that crashed
//! afterwards); 0 means one payload packet per receiver. Per-node load (implosion, link stress,
//! hops) lives in `metrics/load.rs`, time series in `metrics/series.rs`.

mod load;
mod series;
mod stream;

pub use load::{Hops, Implosion, LinkStress, SentPerNode, HOP_SLOTS, IMPLOSION_BUCKET_US};
pub use series::{Chart, Series, MAX_BUCKETS};
pub use stream::{Spread, StreamReport};

use crate::protocol::{MsgId, NodeId, PacketKind};
use crate::time::{SimDuration, SimTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many messages [`MessageCompletion::per_message`] lists at most.
pub const PER_MESSAGE_CAP: usize = 1000;

/// One message's deliveries.
struct MessageRecord {
    sender: NodeId,
    sent_at: Option<SimTime>,
    got: Vec<u64>,
    /// Payload packets about this message that reached a live node (RMR's m).
    payload_received: u64,
    /// The latest first delivery to a receiver.
    last_delivery: Option<SimTime>,
}

impl MessageRecord {
    fn has(&self, node: NodeId) -> bool {
        self.got[(node / 64) as usize] >> (node % 64) & 1 == 1
    }
}

/// Who is owed a message: the live members, less the sender and the joiners that came after it.
struct Owed<'a> {
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
    fn of(&self, m: &MessageRecord) -> (u64, u64, u64) {
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

/// Running totals, updated by the kernel.
pub struct Metrics {
    sent: [u64; PacketKind::COUNT],
    bytes: [u64; PacketKind::COUNT],
    lost: u64,
    to_crashed: u64,
    lost_in_crash: u64,
    dropped_uplink: u64,
    dropped_downlink: u64,
    dropped_partition: u64,
    events: u64,
    deliveries: u64,
    duplicate_deliveries: u64,
    messages: Vec<MessageRecord>,
    latencies_us: Vec<u64>,
    last_delivery: SimTime,
    to_paused: u64,
    to_absent: u64,
    /// When each joiner joined; nodes not in it are initial members.
    join_at: BTreeMap<NodeId, SimTime>,
    leaves: u64,
    stream: Option<stream::StreamTrack>,
    duplicates_received: u64,
    load: load::Load,
    series: Option<Box<series::Recorder>>,
}

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
    /// For a live stream: how many packets each receiver got late or never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamReport>,
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

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // Nearest rank.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

impl Metrics {
    /// Empty metrics for `nodes` nodes and messages sent by `senders[i]`.
    pub fn new(nodes: u32, senders: &[NodeId]) -> Self {
        let words = (nodes as usize).div_ceil(64);
        Metrics {
            sent: [0; PacketKind::COUNT],
            bytes: [0; PacketKind::COUNT],
            lost: 0,
            to_crashed: 0,
            lost_in_crash: 0,
            dropped_uplink: 0,
            dropped_downlink: 0,
            dropped_partition: 0,
            events: 0,
            deliveries: 0,
            duplicate_deliveries: 0,
            messages: senders
                .iter()
                .map(|&s| MessageRecord {
                    sender: s,
                    sent_at: None,
                    got: vec![0; words],
                    payload_received: 0,
                    last_delivery: None,
                })
                .collect(),
            latencies_us: Vec::new(),
            last_delivery: SimTime::ZERO,
            to_paused: 0,
            to_absent: 0,
            join_at: BTreeMap::new(),
            leaves: 0,
            stream: None,
            duplicates_received: 0,
            load: load::Load::new(nodes),
            series: None,
        }
    }

    /// The workload is a live stream: a packet delivered more than `playout` after its send is
    /// late. Keeps two counters per node.
    pub fn set_stream(&mut self, playout: SimDuration) {
        self.stream = Some(stream::StreamTrack::new(playout, self.load.len()));
    }

    /// A packet reached a paused node.
    pub fn on_to_paused(&mut self) {
        self.to_paused += 1;
    }

    /// A packet reached a node that has left or has not joined yet.
    pub fn on_to_absent(&mut self) {
        self.to_absent += 1;
    }

    /// Node `node` joined the group at `now`.
    pub fn on_join(&mut self, node: NodeId, now: SimTime) {
        self.join_at.insert(node, now);
    }

    /// A node left the group.
    pub fn on_leave(&mut self) {
        self.leaves += 1;
    }

    /// The time series recorded so far (up to `now`) in at most `columns` columns, if recording.
    pub fn chart(&self, now: SimTime, columns: usize) -> Option<Chart> {
        self.series.as_ref().map(|s| s.chart(now, columns))
    }

    /// Starts recording a time series in buckets of `bucket` over `[0, end]` (widened if that
    /// would take more than [`MAX_BUCKETS`]); returns the width used. Counts from now on.
    pub fn record_series(&mut self, bucket: SimDuration, end: SimTime) -> SimDuration {
        let r = series::Recorder::new(bucket, end);
        let width = SimDuration::from_ms_f64(r.series().bucket_ms);
        self.series = Some(Box::new(r));
        width
    }

    /// Node `from` sent a packet of `kind` and `bytes` about message `msg`; it leaves the uplink
    /// at `depart`, and `lost` if the network drops it.
    #[inline]
    pub fn on_send(
        &mut self,
        from: NodeId,
        kind: PacketKind,
        bytes: u32,
        msg: Option<MsgId>,
        depart: SimTime,
        lost: bool,
    ) {
        self.sent[kind as usize] += 1;
        self.bytes[kind as usize] += u64::from(bytes);
        self.lost += u64::from(lost);
        self.load.on_send(from, msg.filter(|_| kind.is_payload()));
        if let Some(s) = &mut self.series {
            s.on_send(kind, depart, lost);
        }
    }

    /// A packet of `kind` about `msg` arrived at live node `to` at `now` (before it handles it).
    #[inline]
    pub fn on_arrive(&mut self, to: NodeId, kind: PacketKind, msg: Option<MsgId>, now: SimTime) {
        self.load.on_arrive(to, now);
        let mut duplicate = false;
        if let (true, Some(m)) = (kind.is_payload(), msg.and_then(|m| self.messages.get_mut(m.0 as usize))) {
            m.payload_received += 1;
            duplicate = to == m.sender || m.has(to);
            self.duplicates_received += u64::from(duplicate);
        }
        if let Some(s) = &mut self.series {
            s.on_arrive(now, duplicate);
        }
    }

    /// Asks the cache for what an arrival at `to` about `msg` reads: its load record and its bit
    /// of the message's receivers. A hint that changes nothing.
    #[inline(always)]
    pub fn prefetch(&self, to: NodeId, msg: Option<MsgId>) {
        self.load.prefetch(to);
        if let Some(m) = msg.and_then(|m| self.messages.get(m.0 as usize)) {
            crate::sim::prefetch::prefetch_at(&m.got, (to / 64) as usize);
        }
    }

    /// A packet reached a crashed node.
    pub fn on_to_crashed(&mut self) {
        self.to_crashed += 1;
    }

    /// A packet was still queued in its sender's uplink when the sender crashed.
    pub fn on_lost_in_crash(&mut self) {
        self.lost_in_crash += 1;
    }

    /// A packet was dropped at its sender's full uplink queue.
    pub fn on_dropped_uplink(&mut self) {
        self.dropped_uplink += 1;
    }

    /// A packet was dropped at its receiver's full downlink queue.
    pub fn on_dropped_downlink(&mut self) {
        self.dropped_downlink += 1;
    }

    /// A packet was dropped by a partition.
    pub fn on_dropped_partition(&mut self) {
        self.dropped_partition += 1;
    }

    /// The kernel processed an event.
    #[inline]
    pub fn on_event(&mut self) {
        self.events += 1;
    }

    /// The application on the sender submitted message `id` at `now`.
    pub fn on_app_send(&mut self, id: MsgId, now: SimTime) {
        if let Some(m) = self.messages.get_mut(id.0 as usize) {
            m.sent_at.get_or_insert(now);
        }
    }

    /// Node `node` delivered message `id` at `now`, while handling a packet about `id` from
    /// `from` (None if not while handling such a packet: then its hop is unknown). Returns false
    /// for a duplicate.
    pub fn on_deliver(&mut self, node: NodeId, id: MsgId, now: SimTime, from: Option<NodeId>) -> bool {
        let Some(m) = self.messages.get_mut(id.0 as usize) else {
            return false;
        };
        if node == m.sender {
            return true;
        }
        let (w, b) = ((node / 64) as usize, node % 64);
        if m.got[w] >> b & 1 == 1 {
            self.duplicate_deliveries += 1;
            return false;
        }
        m.got[w] |= 1 << b;
        self.deliveries += 1;
        let sent = m.sent_at.unwrap_or(now);
        if let Some(st) = &mut self.stream {
            if self.join_at.get(&node).is_none_or(|&j| j < sent) {
                st.on_deliver(node, sent, now);
            }
        }
        self.latencies_us.push(now.since(sent).0);
        self.last_delivery = self.last_delivery.max(now);
        m.last_delivery = Some(now);
        let origin = m.sender;
        self.load.on_first_delivery(node, id, origin, from);
        if let Some(s) = &mut self.series {
            s.on_delivery(now);
        }
        true
    }

    /// Node `node`'s hop count for message `id` (its origin is 0), if the kernel still knows it.
    pub fn hop_of(&self, node: NodeId, id: MsgId) -> Option<u16> {
        match self.messages.get(id.0 as usize) {
            Some(m) if m.sender == node => Some(0),
            _ => self.load.hop_of(node, id),
        }
    }

    /// How many messages node `node` has delivered.
    pub fn delivered_by(&self, node: NodeId) -> u32 {
        self.load.delivered(node)
    }

    /// How many messages the workload has.
    pub fn message_count(&self) -> u32 {
        self.messages.len() as u32
    }

    /// The counters the page shows.
    pub fn counters(&self) -> Counters {
        Counters {
            sent: self.sent,
            lost: self.lost,
            dropped_queue: self.dropped_uplink + self.dropped_downlink,
            dropped_partition: self.dropped_partition,
            deliveries: self.deliveries,
            events: self.events,
        }
    }

    /// Deliveries made and owed as of `now`, counted as [`Metrics::report`] counts them (see the
    /// module's notes on churn), without the rest of the report: cheap enough for the page to
    /// poll. `alive` marks the live members.
    pub fn owed(&self, alive: &[bool], now: SimTime) -> (u64, u64) {
        let owed = Owed::new(&self.join_at, alive, now);
        self.messages.iter().map(|m| owed.of(m)).fold((0, 0), |(d, e), (dm, em, _)| (d + dm, e + em))
    }

    /// The full report, given which nodes are live members (up or paused), the trace hash and
    /// the time.
    pub fn report(&self, alive: &[bool], trace_hash: String, now: SimTime) -> Report {
        let owed = Owed::new(&self.join_at, alive, now);
        let (mut delivered, mut expected) = (0u64, 0u64);
        let (mut completions, mut per_message) = (Vec::new(), Vec::new());
        let (mut rmr_sum, mut rmr_count) = (0.0, 0u64);
        for m in &self.messages {
            let (delivered_m, expected_m, total) = owed.of(m);
            expected += expected_m;
            delivered += delivered_m;
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
        // Percentiles by selection: sorting millions of latencies took 3 % of a large run.
        let mut lat = self.latencies_us.clone();
        let (p50, p99) = (select_percentile(&mut lat, 0.50), select_percentile(&mut lat, 0.99));
        let max = lat.iter().max().map_or(0.0, |&v| v as f64 / 1000.0);
        let mean = if lat.is_empty() { 0.0 } else { lat.iter().sum::<u64>() as f64 / lat.len() as f64 / 1000.0 };
        let by_kind =
            |v: &[u64; PacketKind::COUNT]| PacketKind::ALL.iter().map(|k| (k.name(), v[*k as usize])).collect();
        Report {
            trace_hash,
            delivered_ratio: if expected == 0 { 1.0 } else { delivered as f64 / expected as f64 },
            deliveries: delivered,
            expected_deliveries: expected,
            duplicate_deliveries: self.duplicate_deliveries,
            latency_ms: LatencyMs { p50, p99, max, mean },
            completion_ms: self.last_delivery.as_ms_f64(),
            message_completion_ms: MessageCompletion {
                complete: completions.len() as u32,
                incomplete: (self.messages.len() - completions.len()) as u32,
                p50: (!completions.is_empty()).then(|| percentile(&completions, 0.50)),
                p99: (!completions.is_empty()).then(|| percentile(&completions, 0.99)),
                max: completions.last().map(|&v| v as f64 / 1000.0),
                mean: (!completions.is_empty())
                    .then(|| completions.iter().sum::<u64>() as f64 / completions.len() as f64 / 1000.0),
                per_message,
            },
            traffic: self.traffic(),
            duplicates_received: self.duplicates_received,
            rmr: (rmr_count > 0).then(|| rmr_sum / rmr_count as f64),
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
            stream: self.stream.as_ref().map(|st| st.report(self, alive, now)),
            packets_dropped_uplink: self.dropped_uplink,
            packets_dropped_downlink: self.dropped_downlink,
            packets_dropped_partition: self.dropped_partition,
            events: self.events,
            sim_time_ms: now.as_ms_f64(),
            nodes: alive.len() as u32,
            live_nodes: owed.live_nodes as u32,
            messages: self.messages.len() as u32,
            series: self.series.as_ref().map(|s| s.series()),
        }
    }

    fn traffic(&self) -> Traffic {
        let mut t = Traffic::default();
        for k in PacketKind::ALL {
            let (p, b) = (self.sent[k as usize], self.bytes[k as usize]);
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
