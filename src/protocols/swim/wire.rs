//! SWIM's packets and timers: pings and their acks, ping-reqs, updates sent on their own, and
//! the inner protocol's packets passed through unchanged.

use crate::protocol::{MsgId, NodeId, PacketKind, Wire};

/// Bytes of the headers under every SWIM packet (IPv4 and UDP, as the paper's UDP prototype).
pub const HEADER_BYTES: u32 = 28;
/// Bytes of one piggybacked update: its claim (1), node id (4) and incarnation (4).
pub const UPDATE_BYTES: u32 = 9;

/// What an update claims of a member (§4.2; `Left` for a voluntary leave, §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Claim {
    /// The member is alive at this incarnation (a join, or a refutation of a suspicion).
    Alive,
    /// The member is suspected at this incarnation.
    Suspect,
    /// The member is confirmed failed.
    Confirm,
    /// The member left the group.
    Left,
}

/// One membership update, as piggybacked or sent on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Update {
    /// What it claims.
    pub claim: Claim,
    /// The member it is about.
    pub node: NodeId,
    /// The member's incarnation number the claim is about (§4.2).
    pub incarnation: u32,
}

impl Update {
    /// `claim` of `node` at `incarnation`.
    pub fn new(claim: Claim, node: NodeId, incarnation: u32) -> Update {
        Update { claim, node, incarnation }
    }
}

/// A packet of a stack of SWIM over a protocol whose packets are `M`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwimMsg<M> {
    /// A direct probe (§3.1), with updates piggybacked (§4.1).
    Ping {
        /// The prober's sequence number, echoed by the ack.
        seq: u32,
        /// Piggybacked updates.
        updates: Vec<Update>,
    },
    /// The answer to a ping, or a ping-req helper relaying its target's answer.
    Ack {
        /// The sequence number of the ping (or ping-req) answered.
        seq: u32,
        /// Piggybacked updates.
        updates: Vec<Update>,
    },
    /// "Ping `target` for me" (§3.1), sent to k members when a direct ping went unanswered.
    PingReq {
        /// The prober's sequence number, echoed by the relayed ack.
        seq: u32,
        /// The member to ping.
        target: NodeId,
        /// Piggybacked updates.
        updates: Vec<Update>,
    },
    /// Updates sent on their own: a join or leave announcement to the contacts.
    Updates {
        /// The updates.
        updates: Vec<Update>,
    },
    /// The inner protocol's packet, unchanged on the wire.
    Inner(M),
}

impl<M: Wire> Wire for SwimMsg<M> {
    fn kind(&self) -> PacketKind {
        match self {
            SwimMsg::Ping { .. } | SwimMsg::Ack { .. } => PacketKind::Ping,
            SwimMsg::PingReq { .. } => PacketKind::PingReq,
            SwimMsg::Updates { .. } => PacketKind::Suspect,
            SwimMsg::Inner(m) => m.kind(),
        }
    }

    fn bytes(&self) -> u32 {
        let updates = |u: &[Update]| UPDATE_BYTES.saturating_mul(u.len() as u32);
        match self {
            SwimMsg::Ping { updates: u, .. } | SwimMsg::Ack { updates: u, .. } => HEADER_BYTES + 5 + updates(u),
            SwimMsg::PingReq { updates: u, .. } => HEADER_BYTES + 9 + updates(u),
            SwimMsg::Updates { updates: u } => HEADER_BYTES + 1 + updates(u),
            SwimMsg::Inner(m) => m.bytes(),
        }
    }

    fn msg(&self) -> Option<MsgId> {
        match self {
            SwimMsg::Inner(m) => m.msg(),
            _ => None,
        }
    }
}

/// A timer of a stack of SWIM over a protocol whose timers are `T`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwimTimer<T> {
    /// The end of a protocol period (§3.1): resolve its probe, start the next.
    Period,
    /// The direct ping `seq` has had its time: send ping-reqs unless it was answered.
    PingTimeout {
        /// The ping's sequence number.
        seq: u32,
    },
    /// A suspicion's time-out (§4.2): confirm `node` if it is still suspected at `incarnation`.
    Suspicion {
        /// The suspect.
        node: NodeId,
        /// The incarnation it was suspected at.
        incarnation: u32,
    },
    /// Forget the ping-req relay of sequence number `seq`.
    RelayExpire {
        /// The relay ping's sequence number.
        seq: u32,
    },
    /// The inner protocol's timer.
    Inner(T),
}
