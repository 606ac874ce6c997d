//! HyParView's packets and timers (Leitão et al. 2007, §4.2-§4.4), and the inner protocol's
//! packets and timers passed through unchanged.
//!
//! Sizes: the paper runs over TCP, so every packet pays IPv4 and TCP headers (40 bytes), a
//! one-byte type, and 6 bytes (an IPv4 address and port) per node it names.

use crate::protocol::{MsgId, NodeId, PacketKind, Wire};

/// Bytes of the headers under every HyParView packet (IPv4 and TCP) and its type byte.
pub const HEADER_BYTES: u32 = 41;
/// Bytes of one node identifier on the wire (an IPv4 address and a port).
pub const NODE_BYTES: u32 = 6;
/// The request number of a NEIGHBOR that asks nothing: its sender has already taken the
/// receiver into its active view and only tells it so.
pub const NO_REQUEST: u32 = 0;

/// A packet of a stack of HyParView over a protocol whose packets are `M`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HpvMsg<M> {
    /// A new node asks its contact to take it into the overlay (§4.2 JOIN).
    Join {
        /// The request's number, echoed by the answer.
        req: u32,
    },
    /// The contact's announcement of `joiner`, walking the overlay at random for `ttl` more
    /// hops (§4.2 FORWARD_JOIN).
    ForwardJoin {
        /// The node that joined.
        joiner: NodeId,
        /// Hops left.
        ttl: u32,
    },
    /// "Take me into your active view" (§4.3 NEIGHBOR): `high` priority when the sender's active
    /// view is empty (it cannot be refused), low otherwise. Also how a FORWARD_JOIN's last node
    /// links to the joiner (high: the paper's node adds the joiner outright).
    Neighbor {
        /// Whether the request has high priority.
        high: bool,
        /// The request's number, echoed by the answer; [`NO_REQUEST`] when the sender has
        /// already taken the receiver in (the end of a FORWARD_JOIN's walk).
        req: u32,
    },
    /// The answer to a [`HpvMsg::Neighbor`] or [`HpvMsg::Join`]: whether the sender took the
    /// requester into its active view.
    NeighborReply {
        /// Whether it did.
        accepted: bool,
        /// The number of the request answered.
        req: u32,
    },
    /// The sender dropped the receiver from its active view (§4.2 DISCONNECT): to make room,
    /// or because it leaves the group (`leaving`: then it goes to no passive view).
    Disconnect {
        /// Whether the sender is leaving the group.
        leaving: bool,
    },
    /// A view exchange walking the overlay (§4.4 SHUFFLE): `origin` and some of its active and
    /// passive entries.
    Shuffle {
        /// The node that started the shuffle, which the reply goes to.
        origin: NodeId,
        /// Hops left.
        ttl: u32,
        /// The origin itself, ka of its active view and kp of its passive view.
        nodes: Vec<NodeId>,
    },
    /// The answer to a shuffle (§4.4 SHUFFLEREPLY): as many entries of the passive view.
    ShuffleReply {
        /// The entries.
        nodes: Vec<NodeId>,
    },
    /// The transport's keep-alive on an active link, sent every shuffle period: the paper's
    /// TCP connections notice a dead peer even while idle (as TCP and QUIC keep-alives do).
    KeepAlive,
    /// The inner protocol's packet, unchanged on the wire.
    Inner(M),
}

impl<M: Wire> Wire for HpvMsg<M> {
    fn kind(&self) -> PacketKind {
        match self {
            HpvMsg::Join { .. } | HpvMsg::ForwardJoin { .. } => PacketKind::Join,
            HpvMsg::Neighbor { .. } | HpvMsg::NeighborReply { .. } | HpvMsg::Disconnect { .. } | HpvMsg::KeepAlive => {
                PacketKind::Neighbor
            }
            HpvMsg::Shuffle { .. } | HpvMsg::ShuffleReply { .. } => PacketKind::Shuffle,
            HpvMsg::Inner(m) => m.kind(),
        }
    }

    fn bytes(&self) -> u32 {
        let nodes = |n: &[NodeId]| NODE_BYTES.saturating_mul(n.len() as u32);
        match self {
            HpvMsg::KeepAlive => HEADER_BYTES,
            HpvMsg::Join { .. } => HEADER_BYTES + 4,
            HpvMsg::ForwardJoin { .. } => HEADER_BYTES + NODE_BYTES + 1,
            HpvMsg::Neighbor { .. } | HpvMsg::NeighborReply { .. } => HEADER_BYTES + 5,
            HpvMsg::Disconnect { .. } => HEADER_BYTES + 1,
            HpvMsg::Shuffle { nodes: n, .. } => HEADER_BYTES + NODE_BYTES + 2 + nodes(n),
            HpvMsg::ShuffleReply { nodes: n } => HEADER_BYTES + 1 + nodes(n),
            HpvMsg::Inner(m) => m.bytes(),
        }
    }

    fn msg(&self) -> Option<MsgId> {
        match self {
            HpvMsg::Inner(m) => m.msg(),
            _ => None,
        }
    }
}

/// A timer of a stack of HyParView over a protocol whose timers are `T`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HpvTimer<T> {
    /// An initial member's turn to join the overlay through a member already in it.
    Bootstrap,
    /// The periodic shuffle (§4.4), which also refills an active view that is not full.
    Shuffle,
    /// A node left alone (an empty active view, no passive peer left to ask) asks its whole
    /// passive view again.
    AloneRetry,
    /// The NEIGHBOR request of generation `gen` has had its time.
    NeighborTimeout {
        /// The request's generation: a later request makes this timer stale.
        gen: u32,
    },
    /// The inner protocol's timer.
    Inner(T),
}
