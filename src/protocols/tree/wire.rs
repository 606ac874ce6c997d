//! The tree protocol's packets and timers.

use crate::protocol::{MsgId, NodeId, PacketKind, Wire};
use crate::time::SimDuration;
use std::sync::Arc;

/// Why a payload packet is sent, which decides its [`PacketKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Send {
    /// The first copy on this edge: [`PacketKind::Data`].
    First,
    /// A resend after an ACK timeout: [`PacketKind::Retransmit`].
    Retransmit,
    /// An answer to a NAK or a catch-up of a new child: [`PacketKind::Repair`].
    Repair,
}

/// Packets of the tree protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Message `id`, numbered `seq` by the root, going down the tree.
    Data {
        /// The root's sequence number.
        seq: u32,
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
        /// Why it is sent.
        why: Send,
    },
    /// A child has message `seq` (ACK mode).
    Ack {
        /// The sequence number.
        seq: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// A child asks its parent for the messages `missing`.
    Nak {
        /// Sequence numbers, at most [`super::repair::NAK_CAP`].
        missing: Vec<u32>,
        /// Size on the wire.
        bytes: u32,
    },
    /// Message `id` from a sender that is not the root, going up to the root.
    Up {
        /// The application message.
        id: MsgId,
        /// Its payload size plus header.
        bytes: u32,
        /// Whether this is a resend.
        retry: bool,
    },
    /// The parent has the upward message `id` (reliable modes).
    UpAck {
        /// The application message.
        id: MsgId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A keep-alive on a tree edge. Down the tree it carries the parent's path to the root and
    /// how many messages it knows of; up the tree `path` is empty.
    Heartbeat {
        /// One past the highest sequence number the sender knows to exist.
        top: u32,
        /// The sender's path to the root, itself first (empty from a child).
        path: Arc<[NodeId]>,
        /// Size on the wire.
        bytes: u32,
    },
    /// Are you alive? Sent to a suspected parent or child, which answers at once with a
    /// heartbeat (or refuses with a LEAVE if it is no longer related). Counted as a heartbeat.
    Probe {
        /// Size on the wire.
        bytes: u32,
    },
    /// A node asks to become a child: a joiner, a restarted node or an orphan.
    Join {
        /// The first sequence number it wants (`None`: a fresh joiner, which the root places).
        want: Option<u32>,
        /// The parent it lost, if any: the receiver drops it from its children.
        lost: Option<NodeId>,
        /// For a fresh joiner: how long ago it joined, so the root can tell what it is owed.
        waited: SimDuration,
        /// Size on the wire.
        bytes: u32,
    },
    /// A full node sends the joiner on to some of its children.
    Redirect {
        /// Where to go next: one node, or (aware) the children to measure and name in a CHOOSE.
        candidates: Vec<NodeId>,
        /// For a fresh joiner, from the root: the first sequence number it is owed.
        start: Option<u32>,
        /// Size on the wire.
        bytes: u32,
    },
    /// Aware: a joiner asks a full node again, with its distance estimates to the node's
    /// children (offered by the node, or named by its parent): the node picks one for it.
    Choose {
        /// The first sequence number it wants.
        want: Option<u32>,
        /// The parent it lost, if any.
        lost: Option<NodeId>,
        /// Its distance estimates to the node's children (the largest for one it gave up on).
        near: Box<[(NodeId, SimDuration)]>,
        /// Size on the wire.
        bytes: u32,
    },
    /// Aware: a full node's pick for a joiner: go on to `child`, whose children (as the node
    /// last heard) are `below`, to be measured and named in a CHOOSE to `child`.
    Place {
        /// The child picked.
        child: NodeId,
        /// Its children, as it last reported them.
        below: Arc<[NodeId]>,
        /// For a fresh joiner, from the root: the first sequence number it is owed.
        start: Option<u32>,
        /// Size on the wire.
        bytes: u32,
    },
    /// Aware: a child's keep-alive to its parent, in place of a heartbeat, naming its children
    /// and its subtree's size (sent also as soon as it attaches or takes a child), so that the
    /// parent can pass them on in a PLACE and weigh the subtree.
    Children {
        /// The sender's children.
        ids: Arc<[NodeId]>,
        /// How many nodes its subtree holds, as far as it knows: itself and its children's
        /// weights.
        size: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// Heap: the joiner went to `child` after a redirect (so the parent can weigh its subtrees).
    Chose {
        /// The candidate the joiner picked.
        child: NodeId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A node takes the joiner as its child.
    Accept {
        /// The new parent's path to the root, itself first.
        path: Arc<[NodeId]>,
        /// One past the highest sequence number the parent knows to exist.
        top: u32,
        /// For a fresh joiner, from the root: the first sequence number it is owed.
        start: Option<u32>,
        /// The oldest sequence number the parent still buffers: older ones cannot be repaired.
        oldest: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// The sender leaves (or refuses a relation it does not have): a child re-attaches to
    /// `heir`, a parent drops the sender from its children.
    Leave {
        /// Where the children should go: the leaver's parent.
        heir: Option<NodeId>,
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { why: Send::First, .. } | Msg::Up { retry: false, .. } => PacketKind::Data,
            Msg::Data { why: Send::Retransmit, .. } | Msg::Up { retry: true, .. } => PacketKind::Retransmit,
            Msg::Data { why: Send::Repair, .. } => PacketKind::Repair,
            Msg::Ack { .. } | Msg::UpAck { .. } => PacketKind::Ack,
            Msg::Nak { .. } => PacketKind::Nak,
            Msg::Heartbeat { .. } | Msg::Probe { .. } | Msg::Children { .. } => PacketKind::Heartbeat,
            Msg::Join { .. }
            | Msg::Redirect { .. }
            | Msg::Choose { .. }
            | Msg::Place { .. }
            | Msg::Chose { .. }
            | Msg::Accept { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. }
            | Msg::Ack { bytes, .. }
            | Msg::Nak { bytes, .. }
            | Msg::Up { bytes, .. }
            | Msg::UpAck { bytes, .. }
            | Msg::Heartbeat { bytes, .. }
            | Msg::Probe { bytes, .. }
            | Msg::Join { bytes, .. }
            | Msg::Redirect { bytes, .. }
            | Msg::Choose { bytes, .. }
            | Msg::Place { bytes, .. }
            | Msg::Children { bytes, .. }
            | Msg::Chose { bytes, .. }
            | Msg::Accept { bytes, .. }
            | Msg::Leave { bytes, .. } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Up { id, .. } | Msg::UpAck { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// Timers of the tree protocol. Those that may go stale carry a generation or a round that the
/// node compares with its state when they fire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Send heartbeats and check that the parent and children are alive; re-armed every interval.
    Tick,
    /// ACK mode: resend message `seq` to the children that have not ACKed it.
    Retransmit {
        /// The sequence number.
        seq: u32,
        /// Which round fires (1 for the first retransmission).
        round: u32,
    },
    /// NAK the gaps that remain.
    Nak {
        /// Stale unless equal to the node's NAK generation.
        gen: u32,
    },
    /// The JOIN in progress has gone unanswered.
    Join {
        /// Stale unless equal to the node's join generation.
        gen: u32,
    },
    /// A probe of suspected neighbour `node` has gone unanswered: probe again, or presume it dead.
    Probe {
        /// The suspected neighbour.
        node: NodeId,
        /// Whether it is suspected as the parent (else as a child): each relation has its own
        /// detector.
        parent: bool,
        /// The suspicion's token ([`crate::protocols::blocks::Verdict::Probe`]): stale once the
        /// suspicion is over.
        gen: u32,
    },
    /// Resend upward message `id` if the parent has not ACKed it.
    Up {
        /// The message.
        id: MsgId,
        /// Which round fires.
        round: u32,
    },
}
