//! Per-node load in O(n) memory: implosion, link stress, packets sent per node and hop counts.
//!
//! One small record per node, touched by the kernel's hooks on every arrival, send and first
//! delivery; no allocation and no map on the way. Each measure is defined so that it can be kept
//! exactly in bounded space:
//!
//! - **Implosion**: packets arriving at one live node within one fixed 100 ms bucket
//!   `[k·100 ms, (k+1)·100 ms)`. Arrivals come in time order, so a node needs only its current
//!   bucket and count; the maximum (the first node and bucket to reach it) is kept on the way.
//! - **Link stress**: there is no physical topology, so the link is a node's uplink, and its
//!   stress the number of copies of one message it carries. Counting every `(node, message)` pair
//!   would take n × messages counters, so a node keeps one *run*: payload copies of the same message
//!   sent one after another (control packets in between do not break a run; a payload copy of
//!   another message does). The centralized sender's stress is n − 1, a k-ary tree's k, a gossip
//!   round's fanout; a protocol that retransmits a message later starts a new run.
//! - **Hops**: when node v delivers message m while handling a packet about m from u, v's hop for m
//!   is u's hop + 1, the origin's being 0. A node remembers its hop for its latest messages in
//!   [`HOP_SLOTS`] slots indexed by message id modulo [`HOP_SLOTS`]; when u's slot for m has since
//!   been reused by a later message (or u never delivered m, or the delivery came from a timer), the
//!   hop is *unknown* and counted as such rather than guessed.

use crate::protocol::{MsgId, NodeId};
use crate::time::SimTime;
use serde::Serialize;

/// The width of an implosion bucket, in microseconds (100 ms).
pub const IMPLOSION_BUCKET_US: u64 = 100_000;

/// How many recent messages' hop counts a node remembers.
///
/// A hop is lost only when the forwarding node has delivered [`HOP_SLOTS`] later messages whose
/// ids share the slot before its packet arrives. A slot holds the message id's bits above the slot
/// index modulo 2^16 as a tag, so ids 262,144 apart would alias; the scenario caps a workload at
/// 100,000 messages.
pub const HOP_SLOTS: usize = 4;

/// An empty hop slot (a real hop saturates at `u16::MAX - 1`).
const EMPTY: u32 = u32::MAX;

/// The largest number of packets one node received in one 100 ms bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Implosion {
    /// Packets that arrived at `node` within the bucket (0 if none arrived anywhere).
    pub packets: u32,
    /// The node (the first to reach the count), if any packet arrived.
    pub node: Option<NodeId>,
    /// When the bucket starts (milliseconds).
    pub at_ms: Option<f64>,
    /// The bucket's width (milliseconds): 100.
    pub bucket_ms: f64,
}

/// The largest number of copies of one message one node sent back to back.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LinkStress {
    /// Payload copies of `message` that `node` sent in one run.
    pub copies: u32,
    /// The node (the first to reach the count), if any payload was sent.
    pub node: Option<NodeId>,
    /// The message.
    pub message: Option<u32>,
}

/// One node's packets of every kind: sent, and arrived while it was up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodePackets {
    /// Packets it sent.
    pub sent: u32,
    /// Packets that arrived at it.
    pub received: u32,
}

/// Packets sent per node, all kinds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SentPerNode {
    /// Packets sent over group size.
    pub mean: f64,
    /// The busiest node's packets.
    pub max: u64,
    /// The busiest node (the lowest id among equals), if any packet was sent.
    pub node: Option<NodeId>,
}

/// Hop counts of first deliveries: the origin is hop 0, its direct receivers hop 1.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Hops {
    /// The hop of the run's last first delivery (null if unknown or none).
    pub last: Option<u16>,
    /// The largest known hop.
    pub max: Option<u16>,
    /// The mean over first deliveries whose hop is known.
    pub mean: Option<f64>,
    /// First deliveries whose hop could not be derived (see the module docs).
    pub unknown: u64,
}

/// One node's record: 44 bytes, touched by its arrivals, sends and deliveries (an arrival brings
/// in the line its delivery then uses).
#[derive(Clone, Copy)]
struct NodeLoad {
    /// The implosion bucket `arrivals` counts (`u32::MAX`: none yet).
    bucket: u32,
    arrivals: u32,
    /// The message of the current run of payload copies (`u32::MAX`: none yet).
    run_msg: u32,
    run_len: u32,
    /// Packets sent, saturating at `u32::MAX` (4.3 billion: days of simulation for one node).
    sent: u32,
    /// Messages first delivered.
    delivered: u32,
    /// Packets that arrived at it (alive), saturating.
    received: u32,
    /// `tag << 16 | hop` per slot, or [`EMPTY`].
    hops: [u32; HOP_SLOTS],
}

const FRESH: NodeLoad = NodeLoad {
    bucket: u32::MAX,
    arrivals: 0,
    run_msg: u32::MAX,
    run_len: 0,
    sent: 0,
    delivered: 0,
    received: 0,
    hops: [EMPTY; HOP_SLOTS],
};

/// The per-node records and the maxima found so far.
#[derive(Clone)]
pub(super) struct Load {
    nodes: Vec<NodeLoad>,
    /// (packets, node, bucket) of the worst implosion.
    implosion: (u32, NodeId, u32),
    /// (copies, node, message) of the largest run.
    stress: (u32, NodeId, u32),
    /// The last first delivery's hop, 0 if unknown (a receiver's hop is at least 1).
    hop_last: u16,
    /// The largest known hop, 0 if none.
    hop_max: u16,
    hop_sum: u64,
    hop_known: u64,
    hop_unknown: u64,
}

fn slot(id: MsgId) -> (usize, u32) {
    ((id.0 as usize) % HOP_SLOTS, (id.0 / HOP_SLOTS as u32) & 0xFFFF)
}

impl Load {
    pub(super) fn new(nodes: u32) -> Self {
        Load {
            nodes: vec![FRESH; nodes as usize],
            implosion: (0, 0, 0),
            stress: (0, 0, 0),
            hop_last: 0,
            hop_max: 0,
            hop_sum: 0,
            hop_known: 0,
            hop_unknown: 0,
        }
    }

    /// A packet arrived at live node `to` at `now`.
    #[inline]
    pub(super) fn on_arrive(&mut self, to: NodeId, now: SimTime) {
        // Arrivals happen by the end (at most an hour): 36,000 buckets at most.
        let bucket = (now.0 / IMPLOSION_BUCKET_US) as u32;
        let n = &mut self.nodes[to as usize];
        if n.bucket != bucket {
            n.bucket = bucket;
            n.arrivals = 0;
        }
        n.arrivals += 1;
        n.received = n.received.saturating_add(1);
        if n.arrivals > self.implosion.0 {
            self.implosion = (n.arrivals, to, bucket);
        }
    }

    /// Asks the cache for node `node`'s record (a hint that changes nothing).
    #[inline(always)]
    pub(super) fn prefetch(&self, node: NodeId) {
        crate::prefetch::prefetch_at(&self.nodes, node as usize);
    }

    /// Node `from` sent a packet; `payload` names its message if it carries one.
    #[inline]
    pub(super) fn on_send(&mut self, from: NodeId, payload: Option<MsgId>) {
        let n = &mut self.nodes[from as usize];
        n.sent = n.sent.saturating_add(1);
        if let Some(m) = payload {
            if n.run_msg == m.0 {
                n.run_len += 1;
            } else {
                n.run_msg = m.0;
                n.run_len = 1;
            }
            if n.run_len > self.stress.0 {
                self.stress = (n.run_len, from, m.0);
            }
        }
    }

    /// How many messages node `node` has first delivered.
    /// The nodes it tracks.
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn delivered(&self, node: NodeId) -> u32 {
        self.nodes[node as usize].delivered
    }

    /// Node `node`'s hop for message `id`, if it still remembers it.
    pub(super) fn hop_of(&self, node: NodeId, id: MsgId) -> Option<u16> {
        let (i, tag) = slot(id);
        let s = self.nodes[node as usize].hops[i];
        (s != EMPTY && s >> 16 == tag).then_some(s as u16)
    }

    /// Node `node` delivered message `id` (originated by `origin`) for the first time, while
    /// handling a packet about it from `from` (None: not while handling such a packet). Returns
    /// its hop, if known.
    #[inline]
    pub(super) fn on_first_delivery(
        &mut self,
        node: NodeId,
        id: MsgId,
        origin: NodeId,
        from: Option<NodeId>,
    ) -> Option<u16> {
        // 0: unknown.
        let hop = match from {
            Some(f) if f == origin => 1,
            Some(f) => self.hop_of(f, id).map_or(0, |h| h.saturating_add(1).min(u16::MAX - 1)),
            None => 0,
        };
        let n = &mut self.nodes[node as usize];
        n.delivered += 1;
        self.hop_last = hop;
        if hop > 0 {
            let (i, tag) = slot(id);
            n.hops[i] = tag << 16 | u32::from(hop);
            self.hop_max = self.hop_max.max(hop);
            self.hop_sum += u64::from(hop);
            self.hop_known += 1;
        } else {
            self.hop_unknown += 1;
        }
        (hop > 0).then_some(hop)
    }

    pub(super) fn implosion(&self) -> Implosion {
        let (packets, node, bucket) = self.implosion;
        let seen = packets > 0;
        Implosion {
            packets,
            node: seen.then_some(node),
            at_ms: seen.then(|| SimTime(u64::from(bucket) * IMPLOSION_BUCKET_US).as_ms_f64()),
            bucket_ms: IMPLOSION_BUCKET_US as f64 / 1000.0,
        }
    }

    pub(super) fn link_stress(&self) -> LinkStress {
        let (copies, node, message) = self.stress;
        let seen = copies > 0;
        LinkStress { copies, node: seen.then_some(node), message: seen.then_some(message) }
    }

    /// Each node's packets sent and received (alive), in node order.
    pub(super) fn per_node(&self) -> Vec<NodePackets> {
        self.nodes.iter().map(|n| NodePackets { sent: n.sent, received: n.received }).collect()
    }

    pub(super) fn sent_per_node(&self) -> SentPerNode {
        let total: u64 = self.nodes.iter().map(|n| u64::from(n.sent)).sum();
        // The first node with the largest count: `max_by_key` would return the last.
        let (mut max, mut node) = (0, None);
        for (i, n) in self.nodes.iter().enumerate() {
            if u64::from(n.sent) > max {
                (max, node) = (u64::from(n.sent), Some(i as NodeId));
            }
        }
        let mean = if self.nodes.is_empty() { 0.0 } else { total as f64 / self.nodes.len() as f64 };
        SentPerNode { mean, max, node }
    }

    pub(super) fn hops(&self) -> Hops {
        Hops {
            last: (self.hop_last > 0).then_some(self.hop_last),
            max: (self.hop_max > 0).then_some(self.hop_max),
            mean: (self.hop_known > 0).then(|| self.hop_sum as f64 / self.hop_known as f64),
            unknown: self.hop_unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implosion_counts_per_node_and_bucket() {
        let mut l = Load::new(3);
        for t in [0, 50_000, 99_999] {
            l.on_arrive(1, SimTime(t));
        }
        // Node 2 gets 3 in the next bucket: a tie does not replace the first node to reach 3.
        for t in [100_000, 150_000, 199_999] {
            l.on_arrive(2, SimTime(t));
        }
        assert_eq!(l.implosion(), Implosion { packets: 3, node: Some(1), at_ms: Some(0.0), bucket_ms: 100.0 });
        // A fourth packet in node 2's bucket wins; one in node 1's next bucket starts from 1.
        l.on_arrive(1, SimTime(100_000));
        l.on_arrive(2, SimTime(199_999));
        assert_eq!(l.implosion(), Implosion { packets: 4, node: Some(2), at_ms: Some(100.0), bucket_ms: 100.0 });
    }

    #[test]
    fn link_stress_counts_runs_of_one_message() {
        let mut l = Load::new(2);
        assert_eq!(l.link_stress(), LinkStress::default());
        for m in [0, 0, 1, 0, 0] {
            l.on_send(0, Some(MsgId(m)));
            l.on_send(0, None); // control packets do not break a run
        }
        assert_eq!(l.link_stress(), LinkStress { copies: 2, node: Some(0), message: Some(0) });
        let s = l.sent_per_node();
        assert_eq!((s.mean, s.max, s.node), (5.0, 10, Some(0)));
    }

    #[test]
    fn hops_follow_the_forwarding_chain_and_admit_what_they_forget() {
        let mut l = Load::new(4);
        // 0 is the origin; 0 → 1 → 2 → 3.
        l.on_first_delivery(1, MsgId(7), 0, Some(0));
        l.on_first_delivery(2, MsgId(7), 0, Some(1));
        l.on_first_delivery(3, MsgId(7), 0, Some(2));
        assert_eq!((l.hop_of(3, MsgId(7)), l.hops().last, l.hops().max), (Some(3), Some(3), Some(3)));
        // Node 1 delivers message 11 (same slot as 7) from the origin: it forgets 7.
        l.on_first_delivery(1, MsgId(11), 0, Some(0));
        assert_eq!(l.hop_of(1, MsgId(7)), None);
        l.on_first_delivery(2, MsgId(12), 0, None);
        let h = l.hops();
        assert_eq!((h.last, h.max, h.unknown), (None, Some(3), 1));
        assert_eq!(h.mean, Some((1 + 2 + 3 + 1) as f64 / 4.0));
    }
}
