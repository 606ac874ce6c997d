//! Rumor mongering's packets and timers, and what they cost on the wire.
//!
//! A contact is one packet from the node that picked its partner ([`Msg::Contact`]): the hot
//! rumors it pushes, and when it pulls, its digest (with feedback, so that the partner sends only
//! the hot rumors it lacks and knows which contacts were unnecessary). The partner answers with
//! one packet ([`Msg::Reply`]) carrying its hot rumors the caller lacks (pull) and, with
//! feedback, the ids of the pushed rumors it already knew: Demers' feedback, made a packet. It
//! sends nothing when it has neither. A partner past its connection limit answers BUSY instead.
//!
//! Kinds: a contact carrying rumors is GOSSIP, one only asking is PULL; a reply carrying rumors
//! is GOSSIP, one only saying "I knew these" is ACK, and so is BUSY.

use crate::protocol::{MsgId, PacketKind, Wire};
use crate::protocols::anti_entropy::exchange::batch_bytes;
use crate::protocols::anti_entropy::store::{Held, IdSet};
use crate::protocols::anti_entropy::AeMsg;

/// Bytes a reply spends per rumor id it says the partner already knew.
pub const KNOWN_ID_BYTES: u32 = 4;

/// Packets of rumor mongering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A contact: the caller's hot rumors (push) and whether it asks for the partner's (pull),
    /// with its digest when it asks with feedback.
    Contact {
        /// Hot rumors pushed.
        push: Vec<Held>,
        /// Whether the caller asks for the partner's hot rumors.
        pull: bool,
        /// What the caller holds (empty unless it pulls with feedback).
        digest: IdSet,
        /// Size on the wire: header, each rumor with its id, 8 bytes per digest range.
        bytes: u32,
    },
    /// The partner's answer: its hot rumors the caller lacks, and the pushed rumors it knew.
    Reply {
        /// Hot rumors the caller lacks (pull).
        rumors: Vec<Held>,
        /// Rumors the caller pushed that the partner already knew (feedback).
        known: Vec<MsgId>,
        /// Size on the wire: header, each rumor with its id, 4 bytes per known id.
        bytes: u32,
    },
    /// The partner is past its connection limit: the contact carried nothing over.
    Busy {
        /// Size on the wire.
        bytes: u32,
    },
    /// A packet of the anti-entropy backstop.
    Exchange(AeMsg),
    /// A node leaving the group says goodbye.
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Msg {
    /// A contact pushing `push`, pulling if `pull`, with `digest`.
    pub fn contact(header: u32, push: Vec<Held>, pull: bool, digest: IdSet) -> Msg {
        let bytes = batch_bytes(header, &push).saturating_add(digest.bytes());
        Msg::Contact { push, pull, digest, bytes }
    }

    /// A reply carrying `rumors` and naming `known`.
    pub fn reply(header: u32, rumors: Vec<Held>, known: Vec<MsgId>) -> Msg {
        let ids = KNOWN_ID_BYTES.saturating_mul(known.len().min(u32::MAX as usize) as u32);
        let bytes = batch_bytes(header, &rumors).saturating_add(ids);
        Msg::Reply { rumors, known, bytes }
    }
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Contact { push, .. } if push.is_empty() => PacketKind::Pull,
            Msg::Contact { .. } => PacketKind::Gossip,
            Msg::Reply { rumors, .. } if rumors.is_empty() => PacketKind::Ack,
            Msg::Reply { .. } => PacketKind::Gossip,
            Msg::Busy { .. } => PacketKind::Ack,
            Msg::Exchange(m) => m.kind(),
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Contact { bytes, .. } | Msg::Reply { bytes, .. } | Msg::Busy { bytes } | Msg::Leave { bytes } => {
                *bytes
            }
            Msg::Exchange(m) => m.bytes(),
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Contact { push: rumors, .. } | Msg::Reply { rumors, .. } => rumors.first().map(|h| h.id),
            Msg::Exchange(m) => m.msg(),
            Msg::Busy { .. } | Msg::Leave { .. } => None,
        }
    }
}

/// Timers of rumor mongering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A period boundary: the node will contact a peer once the feedback due now is in.
    Tick,
    /// Contact a peer now (set for zero delay at a tick, so that it fires after the packets due
    /// at the same instant: the last period's feedback).
    Contact,
    /// Time for the backstop's next anti-entropy exchange.
    AntiEntropy,
}
