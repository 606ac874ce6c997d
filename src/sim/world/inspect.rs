//! One node seen from inside, for the page's inspector: what its protocol says of itself
//! ([`Protocol::describe`]) and what the kernel knows of it (its status, the messages it has
//! delivered and still misses, its pending timers, and from the packet log the packets it sent
//! and received).

use super::{Event, World};
use crate::protocol::{Description, MsgId, NodeId, PacketKind, Protocol};
use crate::sim::faults::Status;
use crate::sim::log::{PacketFate, PacketRecord};
use crate::time::SimTime;

/// How many of a node's latest packets in and out a [`NodeView`] keeps.
pub const LAST_PACKETS: usize = 6;

/// A timer a node has set that has not fired yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingTimer {
    /// When it fires.
    pub due: SimTime,
    /// What the node will do when it fires, in the protocol's words
    /// ([`Protocol::describe_timer`]). A protocol that no longer wants a timer ignores it when
    /// it fires; most say so here when they can tell.
    pub what: String,
}

/// One node as the inspector shows it ([`World::inspect`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// The node.
    pub node: NodeId,
    /// Where it is in its life (up, crashed, paused, absent, left).
    pub status: Status,
    /// From when it withholds the payload it should forward, if it is one of the scenario's
    /// attackers ([`crate::sim::attack`]); its protocol never knows, so the kernel says it, also
    /// as the description's first fact ("attacker").
    pub attacks_from: Option<SimTime>,
    /// Payload packets it withheld so far, from the packet log (also counted in `sent`).
    pub withheld: u64,
    /// What its protocol says of itself.
    pub description: Description,
    /// The messages sent so far that it has delivered, or sent itself, in id order.
    pub holds: Vec<MsgId>,
    /// The messages sent so far by others that it has not delivered, in id order.
    pub missing: Vec<MsgId>,
    /// Its timers still to fire, earliest first.
    pub timers: Vec<PendingTimer>,
    /// Packets it sent, by kind ([`PacketKind`] order), from the packet log.
    pub sent: [u64; PacketKind::COUNT],
    /// Packets that reached it while it was up, by kind, from the packet log.
    pub received: [u64; PacketKind::COUNT],
    /// Its latest packets in (whatever became of them), latest last.
    pub last_in: Vec<PacketRecord>,
    /// Its latest packets out, latest last.
    pub last_out: Vec<PacketRecord>,
    /// Whether the packet log is on (else the counts and packets above are empty).
    pub logged: bool,
    /// Packets the log could not keep: the counts above miss them.
    pub log_overflow: u64,
}

impl<P: Protocol> World<P> {
    /// Node `node` as the inspector shows it; `None` for a node the run does not have.
    pub fn inspect(&self, node: NodeId) -> Option<NodeView> {
        let protocol = self.nodes.get(node as usize)?;
        let mut description = Description::default();
        let attacks_from = self.withholding.as_ref().and_then(|w| w.attacks_from(node));
        if let Some(from) = attacks_from {
            description
                .fact("attacker", format!("withholds the payload it should forward, from {} ms", from.as_ms_f64()));
        }
        protocol.describe(&mut description);
        let (holds, missing) = self.messages_of(node);
        let mut view = NodeView {
            node,
            status: self.life.status(node),
            attacks_from,
            withheld: 0,
            description,
            holds,
            missing,
            timers: self.timers_of(node),
            sent: [0; PacketKind::COUNT],
            received: [0; PacketKind::COUNT],
            last_in: Vec::new(),
            last_out: Vec::new(),
            logged: self.packets.is_some(),
            log_overflow: self.packets.as_ref().map_or(0, |l| l.overflow()),
        };
        self.packets_of(&mut view);
        Some(view)
    }

    /// The messages sent so far that `node` holds, and those sent by others it lacks.
    fn messages_of(&self, node: NodeId) -> (Vec<MsgId>, Vec<MsgId>) {
        let (mut holds, mut missing) = (Vec::new(), Vec::new());
        for id in (0..self.metrics.message_count()).map(MsgId) {
            let Some((sender, Some(_))) = self.metrics.message(id) else { continue };
            if sender == node || self.metrics.has_delivered(node, id) {
                holds.push(id);
            } else {
                missing.push(id);
            }
        }
        (holds, missing)
    }

    /// `node`'s timers in the queue, of its current life, earliest first (ties in the order set).
    fn timers_of(&self, node: NodeId) -> Vec<PendingTimer> {
        let epoch = self.life.epoch(node);
        let mut timers: Vec<(SimTime, &P::Timer)> = self
            .queue
            .iter()
            .filter_map(|(t, e)| match e {
                Event::Timer { node: n, timer, inc } if *n == node && *inc == epoch => Some((t, timer)),
                _ => None,
            })
            .collect();
        timers.sort_by_key(|&(t, _)| t);
        let Some(protocol) = self.nodes.get(node as usize) else { return Vec::new() };
        timers.into_iter().map(|(due, timer)| PendingTimer { due, what: protocol.describe_timer(timer) }).collect()
    }

    /// Fills `view`'s counts and latest packets from the packet log.
    fn packets_of(&self, view: &mut NodeView) {
        let Some(log) = &self.packets else { return };
        let node = view.node;
        for r in log.records() {
            if r.from == node && r.sent <= self.now {
                view.sent[r.kind as usize] += 1;
                view.withheld += u64::from(r.fate == PacketFate::Withheld);
            }
            if r.to == node && r.fate == PacketFate::Arrived {
                view.received[r.kind as usize] += 1;
            }
        }
        let now = self.now;
        let mut out: Vec<PacketRecord> = log
            .records()
            .iter()
            .rev()
            .filter(|r| r.from == node && r.sent <= now)
            .take(LAST_PACKETS)
            .copied()
            .collect();
        out.reverse();
        view.last_out = out;
        // The log is in the order packets were sent; what came in is listed in the order it came.
        let mut came_in: Vec<PacketRecord> = log
            .records()
            .iter()
            .filter(|r| r.to == node && r.fate != PacketFate::InFlight && r.arrive <= now)
            .copied()
            .collect();
        came_in.sort_by_key(|r| r.arrive);
        view.last_in = came_in.split_off(came_in.len().saturating_sub(LAST_PACKETS));
    }
}
