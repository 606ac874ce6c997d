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

/// The messages one gossip packet carries: one inline (the usual case, no allocation), or many
/// shared by every copy of the packet (behind a thin pointer, so that a packet stays 32 bytes in
/// the kernel's queue).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Batch {
    /// One message.
    One(Item),
    /// Several, in the order the sender took them.
    #[allow(clippy::rc_buffer)]
    Many(Arc<Vec<Item>>),
}

impl Batch {
    /// A batch of `items` (at least one expected; an empty list gives an empty `Many`).
    pub fn of(items: &[Item]) -> Batch {
        match items {
            [one] => Batch::One(*one),
            many => Batch::Many(Arc::new(many.to_vec())),
        }
    }

    /// The messages, in order.
    pub fn items(&self) -> &[Item] {
        match self {
            Batch::One(item) => std::slice::from_ref(item),
            Batch::Many(items) => items,
        }
    }
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

/// Packets of the gossip protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Messages pushed to a peer or sent in answer to a pull; with `digest` (push-pull), the
    /// receiver answers with what the sender lacks.
    Gossip {
        /// The messages.
        batch: Batch,
        /// What the sender holds, if it wants an answer (boxed: most packets carry none).
        digest: Option<Box<Digest>>,
        /// Size on the wire: the header, the payloads and the digest.
        bytes: u32,
    },
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
    Shuffle {
        /// The entries.
        entries: Arc<[Entry]>,
        /// Whether this answers a shuffle (or a join) rather than starting one.
        answer: bool,
        /// Size on the wire: the header and 8 bytes per entry.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Gossip { .. } => PacketKind::Gossip,
            Msg::Pull { .. } => PacketKind::Pull,
            Msg::Join { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
            Msg::Shuffle { .. } => PacketKind::Shuffle,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Gossip { bytes, .. }
            | Msg::Pull { bytes, .. }
            | Msg::Join { bytes }
            | Msg::Leave { bytes }
            | Msg::Shuffle { bytes, .. } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Gossip { batch, .. } => batch.items().first().map(|i| i.id),
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
