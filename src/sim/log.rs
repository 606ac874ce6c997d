//! The packet log: an opt-in record of every packet a run sends, for the page's inspector and
//! sequence diagram and for trace exports.
//!
//! Off by default. While off the kernel pays one branch per packet and the run is unchanged;
//! turned on or off, it never touches the trace hash (the log only watches). Each entry is one
//! copy of a packet to one receiver ([`PacketRecord`]): when it was handed to the network, when
//! it left the sender's uplink, when it reached (or would have reached) the receiver, and what
//! became of it ([`PacketFate`]). An entry is written when the packet is sent, with the fate
//! [`PacketFate::InFlight`] if it is still on its way, and settled when it arrives or is dropped.
//!
//! The log is bounded: it keeps the first [`PacketLog::CAPACITY`] packets of the run and counts
//! the ones after that ([`PacketLog::overflow`]) without keeping them.
//!
//! The order of the entries is the order in which the kernel handed the packets to the network
//! (by `sent`, ties in the order the sender asked): stable for a given scenario and seed, like
//! the trace hash, so the page, the CLI and an export agree on it.

use crate::protocol::{MsgId, NodeId, PacketKind};
use crate::time::SimTime;
use std::collections::{BTreeMap, VecDeque};

/// What became of one packet copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PacketFate {
    /// Still on its way (or queued at the receiver's downlink) as of now.
    InFlight,
    /// Reached its receiver, which was up and handled it, at `arrive`.
    Arrived,
    /// Lost by the network's random loss; `arrive` is when it would have arrived.
    Lost,
    /// Dropped by a partition between sender and receiver; `arrive` is when it would have arrived.
    Partitioned,
    /// Dropped at the sender's full uplink (drop-tail): it never left; `depart` and `arrive` are
    /// its send time.
    UplinkFull,
    /// Still queued in the sender's uplink when the sender crashed: it never left.
    SenderCrashed,
    /// Dropped at the receiver's full downlink; `arrive` is when it reached the downlink.
    DownlinkFull,
    /// Reached a receiver that was crashed, paused, not yet joined or gone, at `arrive`.
    ReceiverDown,
    /// Addressed to a node that does not exist (a protocol bug, counted as lost).
    NoSuchNode,
    /// Withheld by its sender, an attacker ([`super::attack`]): it never left.
    Withheld,
}

impl PacketFate {
    /// Whether the packet never reached a live receiver (every fate but in flight and arrived).
    pub fn is_dropped(self) -> bool {
        !matches!(self, PacketFate::InFlight | PacketFate::Arrived)
    }

    /// A short name, as exports and the page print it (`"arrived"`, `"lost"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PacketFate::InFlight => "in_flight",
            PacketFate::Arrived => "arrived",
            PacketFate::Lost => "lost",
            PacketFate::Partitioned => "partitioned",
            PacketFate::UplinkFull => "uplink_full",
            PacketFate::SenderCrashed => "sender_crashed",
            PacketFate::DownlinkFull => "downlink_full",
            PacketFate::ReceiverDown => "receiver_down",
            PacketFate::NoSuchNode => "no_such_node",
            PacketFate::Withheld => "withheld",
        }
    }
}

/// One copy of a packet from `from` to `to` (a multicast makes one record per receiver).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketRecord {
    /// When the sender handed it to the network.
    pub sent: SimTime,
    /// When it left the sender's uplink (later than `sent` if it queued there).
    pub depart: SimTime,
    /// When it reached the receiver (or its downlink), or would have if it was lost; `sent` if
    /// it never left the sender. While [`PacketFate::InFlight`], when it is due.
    pub arrive: SimTime,
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// What the packet is for.
    pub kind: PacketKind,
    /// Its size on the wire, in bytes.
    pub bytes: u32,
    /// The application message it concerns, where its family can say ([`crate::protocol::Wire::msg`]):
    /// data, repairs and requests for one message; `None` for control packets and for packets
    /// about many messages at once (digests, session reports).
    pub msg: Option<MsgId>,
    /// What became of it.
    pub fate: PacketFate,
}

/// The bounded log the kernel writes while it is on ([`crate::sim::World::set_packet_log`]).
#[derive(Clone, Debug, Default)]
pub struct PacketLog {
    records: Vec<PacketRecord>,
    overflow: u64,
    /// Records still in flight, by (arrival event time, receiver, sender), oldest first: the
    /// kernel's events carry no record number, and events at one time pop in the order they were
    /// pushed, so the oldest match is the packet arriving.
    pending: BTreeMap<(SimTime, NodeId, NodeId), VecDeque<u32>>,
}

impl PacketLog {
    /// The most records a log keeps: 200,000 (about 8 MB). Packets sent after that are counted
    /// in [`PacketLog::overflow`], not kept.
    pub const CAPACITY: usize = 200_000;

    /// The records so far, in send order.
    pub fn records(&self) -> &[PacketRecord] {
        &self.records
    }

    /// How many packets were sent after the log was full, and so are not in it.
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// Writes `record`; if it is in flight, its event is due at `record.arrive`.
    pub(crate) fn push(&mut self, record: PacketRecord) {
        if self.records.len() >= Self::CAPACITY {
            self.overflow += 1;
            return;
        }
        let index = self.records.len() as u32;
        if record.fate == PacketFate::InFlight {
            self.pending.entry((record.arrive, record.to, record.from)).or_default().push_back(index);
        }
        self.records.push(record);
    }

    /// The packet from `from` to `to` whose event came due at `at` reached the receiver's
    /// downlink and now waits there until `later`.
    pub(crate) fn requeue(&mut self, at: SimTime, to: NodeId, from: NodeId, later: SimTime) {
        if let Some(index) = self.take_pending(at, to, from) {
            self.pending.entry((later, to, from)).or_default().push_back(index);
        }
    }

    /// Settles the packet from `from` to `to` whose event came due at `at`.
    pub(crate) fn settle(&mut self, at: SimTime, to: NodeId, from: NodeId, fate: PacketFate) {
        if let Some(index) = self.take_pending(at, to, from) {
            if let Some(r) = self.records.get_mut(index as usize) {
                r.arrive = at;
                r.fate = fate;
            }
        }
    }

    fn take_pending(&mut self, at: SimTime, to: NodeId, from: NodeId) -> Option<u32> {
        let key = (at, to, from);
        let queue = self.pending.get_mut(&key)?;
        let index = queue.pop_front();
        if queue.is_empty() {
            self.pending.remove(&key);
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(arrive: u64, fate: PacketFate) -> PacketRecord {
        PacketRecord {
            sent: SimTime(0),
            depart: SimTime(0),
            arrive: SimTime(arrive),
            from: 0,
            to: 1,
            kind: PacketKind::Data,
            bytes: 10,
            msg: Some(MsgId(0)),
            fate,
        }
    }

    #[test]
    fn settles_oldest_match_first_and_requeues() {
        let mut log = PacketLog::default();
        log.push(record(5, PacketFate::InFlight));
        log.push(record(5, PacketFate::InFlight));
        log.push(record(7, PacketFate::Lost));
        log.settle(SimTime(5), 1, 0, PacketFate::Arrived);
        log.requeue(SimTime(5), 1, 0, SimTime(9));
        log.settle(SimTime(9), 1, 0, PacketFate::ReceiverDown);
        let fates: Vec<_> = log.records().iter().map(|r| (r.arrive.0, r.fate)).collect();
        assert_eq!(fates, [(5, PacketFate::Arrived), (9, PacketFate::ReceiverDown), (7, PacketFate::Lost)]);
        assert!(log.pending.is_empty());
        // Nothing pending there: nothing changes.
        log.settle(SimTime(5), 1, 0, PacketFate::Lost);
        assert_eq!(log.records()[0].fate, PacketFate::Arrived);
    }

    #[test]
    fn counts_what_it_cannot_keep() {
        let mut log = PacketLog::default();
        for _ in 0..PacketLog::CAPACITY + 3 {
            log.push(record(1, PacketFate::Lost));
        }
        assert_eq!((log.records().len(), log.overflow()), (PacketLog::CAPACITY, 3));
    }
}
