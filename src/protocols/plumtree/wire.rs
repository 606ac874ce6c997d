//! Plumtree's packets and timers (Leitão et al. 2007, Algorithms 1 and 2), and what they weigh
//! on the wire.

use crate::protocol::{MsgId, PacketKind, Wire};

/// A message's round: the hops its GOSSIP had taken before this transmission (the origin sends
/// round 0, §3.3), saturating.
pub type Round = u16;

/// Packets of Plumtree: 16 bytes each, all inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// GOSSIP: the payload, pushed eagerly (§3.3).
    Gossip {
        /// The message.
        id: MsgId,
        /// Its round at this transmission.
        round: Round,
        /// Size on the wire: the header, the id and the payload.
        bytes: u32,
    },
    /// IHAVE: "I hold message `id`, received at `round`", sent lazily (§3.3).
    IHave {
        /// The message.
        id: MsgId,
        /// The round the announcer sends it at (its own round + 1).
        round: Round,
        /// Size on the wire.
        bytes: u32,
    },
    /// GRAFT: "make me your eager peer again, and send message `id` if named" (§3.6, §3.8).
    Graft {
        /// The message asked for; `None` for the optimization's graft, which asks for none.
        id: Option<MsgId>,
        /// The round of the IHAVE that prompted it.
        round: Round,
        /// Size on the wire.
        bytes: u32,
    },
    /// PRUNE: "stop pushing payload to me" (§3.5).
    Prune {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Gossip { .. } => PacketKind::Gossip,
            Msg::IHave { .. } => PacketKind::Ihave,
            Msg::Graft { .. } => PacketKind::Graft,
            Msg::Prune { .. } => PacketKind::Prune,
        }
    }
    fn bytes(&self) -> u32 {
        match *self {
            Msg::Gossip { bytes, .. } | Msg::IHave { bytes, .. } | Msg::Graft { bytes, .. } | Msg::Prune { bytes } => {
                bytes
            }
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match *self {
            Msg::Gossip { id, .. } | Msg::IHave { id, .. } => Some(id),
            Msg::Graft { id, .. } => id,
            Msg::Prune { .. } => None,
        }
    }
}

/// Plumtree's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The wait for missing message `id` is over (timeout1, then timeout2 after each GRAFT): GRAFT
    /// the next announcer unless the message has arrived (§3.6). Stale once it has.
    Missing(MsgId),
}
