//! GossipSub's packets and its one timer, and what they cost on the wire.
//!
//! libp2p batches a node's messages and control messages to one peer into one RPC
//! (gossipsub-v1.0.md, "Control messages"); here each is a packet of its own, so the counters
//! show each kind. A message id costs [`ID_BYTES`] (a sender and a sequence number, as
//! libp2p's default id), a peer offered by peer exchange [`PX_BYTES`] (a peer id and an address;
//! the signed peer record is left out), a PRUNE's backoff 8.

use crate::protocol::{MsgId, NodeId, PacketKind, Wire};
use std::sync::Arc;

/// Bytes a message id costs in IHAVE and IWANT.
pub const ID_BYTES: u32 = 8;
/// Bytes one peer costs in a PRUNE's peer exchange.
pub const PX_BYTES: u32 = 40;
/// Bytes a PRUNE spends on its backoff.
pub const BACKOFF_BYTES: u32 = 8;

/// The size of a control packet with a `header`-byte header and `entries` entries of `each`
/// bytes, plus `extra`.
pub fn control_bytes(header: u32, entries: usize, each: u32, extra: u32) -> u32 {
    let entries = u32::try_from(entries).unwrap_or(u32::MAX);
    header.saturating_add(extra).saturating_add(each.saturating_mul(entries))
}

/// Packets of GossipSub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The subscription announcement two peers exchange when a connection opens (`subscribed`),
    /// or when a node leaves the topic (`!subscribed`, the connection closing): counted as JOIN.
    Subscribe {
        /// Whether the sender is (still) subscribed to the topic.
        subscribed: bool,
        /// Whether it answers the peer's announcement (the dialed side), so nobody answers twice.
        answer: bool,
        /// Size on the wire.
        bytes: u32,
    },
    /// A full message, published or forwarded (kind `gossip`).
    Message {
        /// The message.
        id: MsgId,
        /// The node that published it.
        origin: NodeId,
        /// Size on the wire.
        bytes: u32,
    },
    /// Gossip: ids of messages in the sender's cache (IHAVE).
    IHave {
        /// The ids, in cache order (newest window first).
        ids: Ids,
        /// Size on the wire.
        bytes: u32,
    },
    /// A request for advertised messages (IWANT).
    IWant {
        /// The ids wanted.
        ids: Ids,
        /// Size on the wire.
        bytes: u32,
    },
    /// Add the link to the mesh (GRAFT).
    Graft {
        /// Size on the wire.
        bytes: u32,
    },
    /// Take the link out of the mesh (PRUNE), with a backoff and peer exchange.
    Prune {
        /// The backoff and the peers offered.
        prune: Arc<PruneBody>,
        /// Size on the wire.
        bytes: u32,
    },
}

/// Message ids in an IHAVE or IWANT, shared by the copies of one multicast. An `Arc` of a
/// `Vec` is one pointer where an `Arc<[MsgId]>` is two words: with it every GossipSub packet
/// takes 16 bytes, not 32, and so does each of the many waiting in the kernel's queue (a third
/// of a run's memory at 10,000 nodes).
pub type Ids = Arc<Vec<MsgId>>;

/// What a PRUNE carries besides its size, behind one pointer for the same reason as [`Ids`]
/// (a PRUNE is rare; inline, its fields made every packet twice as large).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PruneBody {
    /// How long the receiver must not graft the sender again (milliseconds).
    pub backoff_ms: u32,
    /// Peers the receiver may connect to instead (PX); empty when none are offered.
    pub px: Vec<NodeId>,
}

impl Msg {
    /// A PRUNE asking for a backoff of `backoff_ms` and offering `px`, `bytes` on the wire.
    pub fn prune(backoff_ms: u32, px: Vec<NodeId>, bytes: u32) -> Msg {
        Msg::Prune { prune: Arc::new(PruneBody { backoff_ms, px }), bytes }
    }
}

impl Wire for Msg {
    fn kind(&self) -> PacketKind {
        match self {
            Msg::Subscribe { .. } => PacketKind::Join,
            Msg::Message { .. } => PacketKind::Gossip,
            Msg::IHave { .. } => PacketKind::Ihave,
            Msg::IWant { .. } => PacketKind::Iwant,
            Msg::Graft { .. } => PacketKind::Graft,
            Msg::Prune { .. } => PacketKind::Prune,
        }
    }
    fn bytes(&self) -> u32 {
        match self {
            Msg::Subscribe { bytes, .. }
            | Msg::Message { bytes, .. }
            | Msg::IHave { bytes, .. }
            | Msg::IWant { bytes, .. }
            | Msg::Graft { bytes }
            | Msg::Prune { bytes, .. } => *bytes,
        }
    }
    fn msg(&self) -> Option<MsgId> {
        match self {
            Msg::Message { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// GossipSub's timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The node's heartbeat: exactly one is pending from its start (no generation needed).
    Heartbeat,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_packet_is_counted_by_its_kind_and_only_messages_carry_one() {
        let ids: Ids = Arc::new(vec![MsgId(1)]);
        let cases = [
            (Msg::Subscribe { subscribed: true, answer: false, bytes: 40 }, PacketKind::Join, None),
            (Msg::Message { id: MsgId(1), origin: 0, bytes: 1040 }, PacketKind::Gossip, Some(MsgId(1))),
            (Msg::IHave { ids: ids.clone(), bytes: 48 }, PacketKind::Ihave, None),
            (Msg::IWant { ids, bytes: 48 }, PacketKind::Iwant, None),
            (Msg::Graft { bytes: 40 }, PacketKind::Graft, None),
            (Msg::prune(60_000, Vec::new(), 48), PacketKind::Prune, None),
        ];
        for (msg, kind, carries) in cases {
            assert_eq!((msg.kind(), msg.msg()), (kind, carries), "{msg:?}");
        }
    }

    #[test]
    fn a_packet_takes_16_bytes() {
        assert_eq!(std::mem::size_of::<Msg>(), 16);
    }

    #[test]
    fn control_packets_cost_their_entries() {
        assert_eq!(control_bytes(40, 3, ID_BYTES, 0), 64);
        assert_eq!(control_bytes(40, 2, PX_BYTES, BACKOFF_BYTES), 128);
        assert_eq!(control_bytes(u32::MAX, 1, 8, 0), u32::MAX);
    }
}
