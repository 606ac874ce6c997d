//! Live-stream metrics: per receiver, the packets that came late (after their playout deadline)
//! and those that never came.
//!
//! A stream packet sent at `t` must be played at `t + playout_delay`; delivered after that it is
//! late (a glitch, though it arrived), never delivered it is missing. Only packets owed to the
//! receiver count: sent after it joined, not sent by itself. Memory is two counters per node; the
//! report summarises over the live members owed at least one packet.

use super::Metrics;
use crate::protocol::NodeId;
use crate::time::{SimDuration, SimTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// Per-node counters of a live stream, kept while it runs.
pub(super) struct StreamTrack {
    playout: SimDuration,
    /// First deliveries of owed packets, per node.
    got: Vec<u32>,
    /// Those of them that came after their deadline, per node.
    late: Vec<u32>,
}

impl StreamTrack {
    /// Counters for `nodes` nodes; a packet is late more than `playout` after its send.
    pub(super) fn new(playout: SimDuration, nodes: usize) -> Self {
        StreamTrack { playout, got: vec![0; nodes], late: vec![0; nodes] }
    }

    /// Node `node` delivered, for the first time, an owed packet sent at `sent`, at `now`.
    pub(super) fn on_deliver(&mut self, node: NodeId, sent: SimTime, now: SimTime) {
        self.got[node as usize] += 1;
        if now > sent + self.playout {
            self.late[node as usize] += 1;
        }
    }

    /// The summary over the live members (`alive`) owed at least one packet.
    pub(super) fn report(&self, m: &Metrics, alive: &[bool], now: SimTime) -> StreamReport {
        let packets = m.messages.len() as u32;
        let mut sent: Vec<SimTime> = m.messages.iter().map(|r| r.sent_at.unwrap_or(now)).collect();
        sent.sort_unstable();
        let mut by_sender: BTreeMap<NodeId, u32> = BTreeMap::new();
        for r in &m.messages {
            *by_sender.entry(r.sender).or_default() += 1;
        }
        let (mut late, mut missing, mut viewers) = (Vec::new(), Vec::new(), Vec::new());
        for node in (0..alive.len() as NodeId).filter(|&n| alive[n as usize]) {
            let owed = match m.join_at.get(&node) {
                // Joiners are never senders: owed what was sent strictly after the join.
                Some(&j) => packets - sent.partition_point(|&t| t <= j) as u32,
                None => packets - by_sender.get(&node).copied().unwrap_or(0),
            };
            if owed == 0 {
                continue;
            }
            late.push(self.late[node as usize]);
            missing.push(owed.saturating_sub(self.got[node as usize]));
            viewers.push(Viewer {
                node,
                owed,
                late: self.late[node as usize],
                missing: owed.saturating_sub(self.got[node as usize]),
            });
        }
        let complete = late.iter().zip(&missing).filter(|(&l, &m)| l == 0 && m == 0).count() as u32;
        let total = |v: &[u32]| v.iter().map(|&x| u64::from(x)).sum();
        StreamReport {
            packets,
            playout_delay_ms: self.playout.as_ms_f64(),
            receivers: late.len() as u32,
            late: total(&late),
            missing: total(&missing),
            late_per_receiver: Spread::of(late),
            missing_per_receiver: Spread::of(missing),
            receivers_complete_on_time: complete,
            viewers,
        }
    }
}

/// Nearest-rank percentiles of a count over receivers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// Median.
    pub p50: u32,
    /// 99th percentile.
    pub p99: u32,
    /// Largest.
    pub max: u32,
}

impl Spread {
    fn of(mut v: Vec<u32>) -> Spread {
        v.sort_unstable();
        let rank = |p: f64| {
            if v.is_empty() {
                return 0;
            }
            let r = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
            v[r - 1]
        };
        Spread { p50: rank(0.5), p99: rank(0.99), max: v.last().copied().unwrap_or(0) }
    }
}

/// How a live stream played out at its receivers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StreamReport {
    /// Packets the stream sent (all senders together).
    pub packets: u32,
    /// The playout delay: a packet delivered later than this after its send is late.
    pub playout_delay_ms: f64,
    /// Receivers summarised: live members at the end owed at least one packet.
    pub receivers: u32,
    /// Late packets, summed over receivers.
    pub late: u64,
    /// Missing packets (owed, never delivered), summed over receivers.
    pub missing: u64,
    /// Late packets per receiver.
    pub late_per_receiver: Spread,
    /// Missing packets per receiver.
    pub missing_per_receiver: Spread,
    /// Receivers that played every owed packet on time.
    pub receivers_complete_on_time: u32,
    /// Each receiver summarised, in node order (for the page's per-viewer table; not in the
    /// JSON report, whose figures it adds up to).
    #[serde(skip)]
    pub viewers: Vec<Viewer>,
}

/// How the stream played out at one receiver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    /// The receiver.
    pub node: NodeId,
    /// Packets owed to it.
    pub owed: u32,
    /// Those delivered after their playout deadline.
    pub late: u32,
    /// Those never delivered.
    pub missing: u32,
}

impl Viewer {
    /// Packets played on time: owed, neither late nor missing.
    pub fn on_time(&self) -> u32 {
        self.owed.saturating_sub(self.late).saturating_sub(self.missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MsgId;

    #[test]
    fn late_missing_and_joiners() {
        // 4 nodes, node 0 streams 3 packets at 0, 10, 20 ms; playout 5 ms.
        let mut m = Metrics::new(4, &[0, 0, 0]);
        m.set_stream(SimDuration::from_ms(5));
        m.on_join(3, SimTime::from_ms(10));
        for (i, t) in [0u64, 10, 20].into_iter().enumerate() {
            m.on_app_send(MsgId(i as u32), SimTime::from_ms(t));
        }
        // Node 1: all on time. Node 2: packet 1 late, packet 2 missing. Node 3 (joined at 10):
        // owed only packet 2, which it gets; packet 1 came at its join time: not owed, not counted.
        for i in 0..3 {
            m.on_deliver(1, MsgId(i), SimTime::from_ms(u64::from(i) * 10 + 1), None);
        }
        m.on_deliver(2, MsgId(0), SimTime::from_ms(5), None);
        m.on_deliver(2, MsgId(1), SimTime::from_ms(16), None);
        m.on_deliver(3, MsgId(1), SimTime::from_ms(11), None);
        m.on_deliver(3, MsgId(2), SimTime::from_ms(21), None);
        let r = m.report(&[true; 4], "x".into(), SimTime::from_ms(100));
        let s = r.stream.expect("a stream report");
        assert_eq!((s.packets, s.receivers, s.late, s.missing), (3, 3, 1, 1));
        assert_eq!(s.late_per_receiver, Spread { p50: 0, p99: 1, max: 1 });
        assert_eq!(s.missing_per_receiver, Spread { p50: 0, p99: 1, max: 1 });
        assert_eq!(s.receivers_complete_on_time, 2);
        // The same accounting as the delivery totals: 3 + 3 + 1 owed, 3 + 2 + 1 delivered.
        assert_eq!((r.expected_deliveries, r.deliveries), (7, 6));
    }
}
