//! Gossip's packets and timers, and what they weigh on the wire.

use crate::bits::InlineBits;
use crate::protocol::{MsgId, PacketKind, Wire};
use crate::protocols::blocks::Entry;
use std::sync::Arc;

/// One message a gossip packet carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// The message.
    pub id: MsgId,
    /// Its payload (bytes).
    pub bytes: u32,
    /// Hops it may still travel (with `spread: "ttl"`; 0 otherwise).
    pub hops: u16,
}

/// The messages of a GOSSIP packet other than the common one (several messages, or a digest),
/// shared by every copy of the packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The messages, in the order the sender took them.
    pub items: Vec<Item>,
    /// What the sender holds, if it wants an answer (push-pull).
    pub digest: Option<Digest>,
    /// Size on the wire: the header, the payloads and the digest.
    pub bytes: u32,
}

/// A Cyclon shuffle's body, shared by every copy of the packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shuffle {
    /// The entries.
    pub entries: Vec<Entry>,
    /// Whether this answers a shuffle (or a join) rather than starting one.
    pub answer: bool,
    /// Size on the wire: the header and 8 bytes per entry.
    pub bytes: u32,
}

/// What a node holds, as a pull or a push-pull contact sends it: one bit per message id. On the
/// wire: 4 bytes for the length and one bit per id up to the highest held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    /// The ids held.
    pub held: InlineBits,
    /// One more than the highest id held (0 when none is).
    pub bits: u32,
}

impl Digest {
    /// Its size on the wire (bytes).
    pub fn bytes(&self) -> u32 {
        4 + self.bits.div_ceil(8)
    }
}

/// Packets of the gossip protocol: 16 bytes in the kernel's queue, where millions may wait at
/// once. The common packet (one message, no digest: every forward-once push) is inline; the
/// rarer ones keep their bodies behind one pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A GOSSIP of one message without a digest: a push, or an answer to a pull.
    One {
        /// The message.
        id: MsgId,
        /// Its payload (bytes).
        payload: u32,
        /// Hops it may still travel (with `spread: "ttl"`; 0 otherwise).
        hops: u16,
        /// Size on the wire: the header and the payload.
        bytes: u32,
    },
    /// Any other GOSSIP: several messages, or the sender's digest as well (push-pull), when the
    /// receiver answers with what the sender lacks.
    Gossip(Arc<Batch>),
    /// "Send me what you spread that I lack."
    Pull {
        /// What the asker holds.
        digest: Box<Digest>,
        /// Size on the wire.
        bytes: u32,
    },
    /// A joiner (or a restarted node) asks a contact to make it known.
    Join {
        /// Size on the wire.
        bytes: u32,
    },
    /// A node leaving says goodbye.
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
    /// A Cyclon shuffle, or its answer (also a contact's answer to a JOIN: its view).
    Shuffle(Arc<Shuffle>),
}

impl Msg {
    /// A GOSSIP of `items` (at least one expected) with `digest`, `bytes` on the wire: inline
    /// when it is one message without a digest.
    pub fn gossip(items: &[Item], digest: Option<Digest>, bytes: u32) -> Msg {
        match (items, digest) {
            ([one], None) => Msg::One { id: one.id, payload: one.bytes, hops: one.hops, bytes },
            (items, digest) => Msg::Gossip(Arc::new(Batch { items: items.to_vec(), digest, bytes })),
        }
    }

    /// A SHUFFLE of `entries` (an answer if `answer`), `bytes` on the wire.
    pub fn shuffle(entries: Vec<Entry>, answer: bool, bytes: u32) -> Msg {
        Msg::Shuffle(Arc::new(Shuffle { entries, answer, bytes }))
    }
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::One { .. } | Msg::Gossip(_) => PacketKind::Gossip,
            Msg::Pull { .. } => PacketKind::Pull,
            Msg::Join { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
            Msg::Shuffle(_) => PacketKind::Shuffle,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::One { bytes, .. } | Msg::Pull { bytes, .. } | Msg::Join { bytes } | Msg::Leave { bytes } => *bytes,
            Msg::Gossip(batch) => batch.bytes,
            Msg::Shuffle(shuffle) => shuffle.bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::One { id, .. } => Some(*id),
            Msg::Gossip(batch) => batch.items.first().map(|i| i.id),
            _ => None,
        }
    }
}

/// Timers of the gossip protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A gossip period ends: push what the node spreads, pull, age what it spreads.
    Tick,
    /// A Cyclon shuffle period ends.
    Shuffle,
}
