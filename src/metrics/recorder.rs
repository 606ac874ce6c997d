//! The recorder: the running totals the kernel feeds on every event.
//!
//! [`Metrics`] holds counters by packet kind and by drop reason, one record per message (who
//! sent it, when, which receivers have it), the latency of every first delivery, the membership
//! changes, and the per-node load, stream and series recorders. Its hooks are called on the
//! kernel's hot path, so they only add and set bits; everything derived (what is owed, the
//! percentiles, the report) is computed when asked for, in `report.rs`.

use super::{attack, load, series, stream, Chart};
use crate::protocol::{MsgId, NodeId, PacketKind};
use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// One message's deliveries.
#[derive(Clone)]
pub(super) struct MessageRecord {
    pub(super) sender: NodeId,
    pub(super) sent_at: Option<SimTime>,
    /// One bit per node: which receivers have delivered it.
    pub(super) got: Vec<u64>,
    /// Payload packets about this message that reached a live node (RMR's m).
    pub(super) payload_received: u64,
    /// The latest first delivery to a receiver.
    pub(super) last_delivery: Option<SimTime>,
    /// The hop of that delivery, if known (the last delivery hop).
    pub(super) last_hop: Option<u16>,
}

// `Metrics::sent_since_delivery` has a bit per packet kind.
const _: () = assert!(PacketKind::COUNT <= 32);

/// Per-kind packet and byte counts.
type ByKind = [u64; PacketKind::COUNT];

/// At a first delivery, the traffic so far becomes the traffic up to the last delivery: only
/// the kinds in `moved` (sent since the previous one) have changed, so only they are copied
/// from `now` into `at`, and `moved` is emptied.
#[inline]
fn copy_moved(at: &mut (ByKind, ByKind), now: (&ByKind, &ByKind), moved: &mut u32) {
    let mut bits = std::mem::take(moved);
    while bits != 0 {
        let k = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if let (Some(to), Some(&from)) = (at.0.get_mut(k), now.0.get(k)) {
            *to = from;
        }
        if let (Some(to), Some(&from)) = (at.1.get_mut(k), now.1.get(k)) {
            *to = from;
        }
    }
}
impl MessageRecord {
    /// Whether receiver `node` has delivered the message.
    pub(super) fn has(&self, node: NodeId) -> bool {
        self.got[(node / 64) as usize] >> (node % 64) & 1 == 1
    }
}

/// Running totals, updated by the kernel.
#[derive(Clone)]
pub struct Metrics {
    pub(super) sent: [u64; PacketKind::COUNT],
    pub(super) bytes: [u64; PacketKind::COUNT],
    pub(super) lost: u64,
    pub(super) to_crashed: u64,
    pub(super) lost_in_crash: u64,
    pub(super) dropped_uplink: u64,
    pub(super) dropped_downlink: u64,
    pub(super) dropped_partition: u64,
    pub(super) events: u64,
    pub(super) deliveries: u64,
    pub(super) duplicate_deliveries: u64,
    pub(super) messages: Vec<MessageRecord>,
    pub(super) latencies_us: Vec<u64>,
    pub(super) last_delivery: SimTime,
    /// Packets and bytes sent by kind, as they stood at the latest first delivery.
    pub(super) at_last_delivery: ([u64; PacketKind::COUNT], [u64; PacketKind::COUNT]),
    /// The kinds sent since then (bit `kind as usize`): a first delivery copies only their
    /// counts into `at_last_delivery`, not all of them.
    sent_since_delivery: u32,
    pub(super) to_paused: u64,
    pub(super) to_absent: u64,
    /// When each joiner joined; nodes not in it are initial members.
    pub(super) join_at: BTreeMap<NodeId, SimTime>,
    pub(super) leaves: u64,
    pub(super) stream: Option<stream::StreamTrack>,
    pub(super) duplicates_received: u64,
    pub(super) load: load::Load,
    pub(super) series: Option<Box<series::Recorder>>,
    /// The round length in rounds mode (milliseconds), for the epidemic measures' unit.
    pub(super) round_ms: Option<f64>,
    /// The scenario's attackers, if any: who, what they withheld, the honest latencies.
    pub(super) attack: Option<Box<attack::AttackTrack>>,
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
                    last_hop: None,
                })
                .collect(),
            latencies_us: Vec::new(),
            last_delivery: SimTime::ZERO,
            at_last_delivery: ([0; PacketKind::COUNT], [0; PacketKind::COUNT]),
            sent_since_delivery: 0,
            to_paused: 0,
            to_absent: 0,
            join_at: BTreeMap::new(),
            leaves: 0,
            stream: None,
            duplicates_received: 0,
            load: load::Load::new(nodes),
            series: None,
            round_ms: None,
            attack: None,
        }
    }

    /// The run has attackers ([`crate::sim::attack`]): tracks them for the report's `attack`.
    pub fn set_attack(&mut self, attack: &crate::sim::attack::Attack) {
        self.attack = Some(Box::new(attack::AttackTrack::new(attack, self.load.len() as u32)));
    }

    /// An attacker withheld a payload packet.
    pub fn on_withheld(&mut self) {
        if let Some(a) = &mut self.attack {
            a.on_withheld();
        }
    }

    /// The network runs in rounds of `round`: the epidemic measures count time in rounds.
    pub fn set_round(&mut self, round: SimDuration) {
        self.round_ms = Some(round.0 as f64 / 1000.0);
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
    /// would take more than [`super::MAX_BUCKETS`]); returns the width used. Counts from now on.
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
        self.sent_since_delivery |= 1 << kind as u32;
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

    /// Asks the cache for what an arrival at `to` from `from` about `msg` reads: its load record
    /// and its bit of the message's receivers, and if `to` has not delivered `msg` yet (so the
    /// arrival may be its first delivery, whose hop count reads the forwarder's record), `from`'s
    /// load record too. A hint that changes nothing.
    #[inline(always)]
    pub fn prefetch(&self, to: NodeId, from: NodeId, msg: Option<MsgId>) {
        self.load.prefetch(to);
        if let Some(m) = msg.and_then(|m| self.messages.get(m.0 as usize)) {
            let word = (to / 64) as usize;
            crate::prefetch::prefetch_at(&m.got, word);
            if m.got.get(word).is_some_and(|w| w >> (to % 64) & 1 == 0) {
                self.load.prefetch(from);
            }
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

    /// Events processed so far.
    #[inline(always)]
    pub fn events(&self) -> u64 {
        self.events
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
        if let Some(a) = &mut self.attack {
            a.on_first_delivery(node, now.since(sent).0);
        }
        self.last_delivery = self.last_delivery.max(now);
        copy_moved(&mut self.at_last_delivery, (&self.sent, &self.bytes), &mut self.sent_since_delivery);
        m.last_delivery = Some(now);
        let origin = m.sender;
        let hop = self.load.on_first_delivery(node, id, origin, from);
        if let Some(m) = self.messages.get_mut(id.0 as usize) {
            m.last_hop = hop;
        }
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

    /// Message `id`'s sender, and when the application handed it over (`None` before then).
    pub fn message(&self, id: MsgId) -> Option<(NodeId, Option<SimTime>)> {
        self.messages.get(id.0 as usize).map(|m| (m.sender, m.sent_at))
    }

    /// Whether receiver `node` has delivered message `id`.
    pub fn has_delivered(&self, node: NodeId, id: MsgId) -> bool {
        self.messages.get(id.0 as usize).is_some_and(|m| (node as usize) < m.got.len() * 64 && m.has(node))
    }
}
