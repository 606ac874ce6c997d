//! Bimodal multicast's packets and timers, and what they cost on the wire.
//!
//! A message is named by its id; its origin travels with the payload (the paper names messages
//! by sender and sequence number, §3, which costs the same 8 bytes a digest entry is counted
//! here). A digest and a solicitation carry the gossiper's round number, so that the gossiper
//! can tell a late solicitation (soft-failure detection, §3) from a timely one.

use crate::protocol::{MsgId, NodeId, PacketKind, Wire};
use std::sync::Arc;

/// Bytes a digest or a solicitation spends per message it names (origin and sequence number).
pub const ENTRY_BYTES: u32 = 8;
/// Bytes a digest or a solicitation spends on the round number.
pub const ROUND_BYTES: u32 = 4;

/// The size of a digest or solicitation with a `header`-byte header naming `entries` messages.
pub fn list_bytes(header: u32, entries: usize) -> u32 {
    let entries = u32::try_from(entries).unwrap_or(u32::MAX);
    header.saturating_add(ROUND_BYTES).saturating_add(ENTRY_BYTES.saturating_mul(entries))
}

/// Packets of bimodal multicast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The first phase's copy of message `id` from `origin` (unreliable: multicast or tree).
    Data {
        /// The message.
        id: MsgId,
        /// The member that multicast it (the tree's root in a tree first phase).
        origin: NodeId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A gossip round's digest: the messages the gossiper holds (not yet garbage collected).
    Digest {
        /// The gossiper's round when it sent the digest.
        round: u32,
        /// The messages it holds, in id order.
        ids: Arc<[MsgId]>,
        /// Size on the wire.
        bytes: u32,
    },
    /// A solicitation: the messages of a digest its receiver lacks (counted as `nak`).
    Solicit {
        /// The round of the digest it answers.
        round: u32,
        /// The messages asked for, in id order.
        ids: Arc<[MsgId]>,
        /// Size on the wire.
        bytes: u32,
    },
    /// Message `id` retransmitted to a member that solicited it.
    Repair {
        /// The message.
        id: MsgId,
        /// The member that first multicast it.
        origin: NodeId,
        /// Size on the wire.
        bytes: u32,
    },
    /// A joiner announcing itself to its contacts.
    Join {
        /// Size on the wire.
        bytes: u32,
    },
    /// A member leaving says goodbye to its contacts.
    Leave {
        /// Size on the wire.
        bytes: u32,
    },
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Data { .. } => PacketKind::Data,
            Msg::Digest { .. } => PacketKind::Digest,
            Msg::Solicit { .. } => PacketKind::Nak,
            Msg::Repair { .. } => PacketKind::Repair,
            Msg::Join { .. } => PacketKind::Join,
            Msg::Leave { .. } => PacketKind::Leave,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Data { bytes, .. }
            | Msg::Digest { bytes, .. }
            | Msg::Solicit { bytes, .. }
            | Msg::Repair { bytes, .. }
            | Msg::Join { bytes }
            | Msg::Leave { bytes } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Data { id, .. } | Msg::Repair { id, .. } => Some(*id),
            Msg::Digest { .. } | Msg::Solicit { .. } | Msg::Join { .. } | Msg::Leave { .. } => None,
        }
    }
}

/// Timers of bimodal multicast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The node's next gossip round. Armed only while the node holds a message, so exactly one
    /// is pending then and none otherwise (no generation token is needed).
    Round,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_packet_is_counted_by_its_kind_and_carries_its_message() {
        let id = MsgId(3);
        let ids: Arc<[MsgId]> = Arc::from([id]);
        let cases = [
            (Msg::Data { id, origin: 0, bytes: 1040 }, PacketKind::Data, Some(id)),
            (Msg::Digest { round: 1, ids: ids.clone(), bytes: 52 }, PacketKind::Digest, None),
            (Msg::Solicit { round: 1, ids, bytes: 52 }, PacketKind::Nak, None),
            (Msg::Repair { id, origin: 0, bytes: 1040 }, PacketKind::Repair, Some(id)),
            (Msg::Join { bytes: 40 }, PacketKind::Join, None),
            (Msg::Leave { bytes: 40 }, PacketKind::Leave, None),
        ];
        for (msg, kind, carries) in cases {
            assert_eq!((msg.kind(), msg.msg()), (kind, carries), "{msg:?}");
        }
    }

    #[test]
    fn lists_cost_a_round_number_and_eight_bytes_an_entry() {
        assert_eq!(list_bytes(40, 0), 44);
        assert_eq!(list_bytes(40, 3), 44 + 24);
        assert_eq!(list_bytes(u32::MAX, 1), u32::MAX, "saturates");
    }
}
