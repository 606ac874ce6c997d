//! One tree node driven by hand, for the rooms' exact-output tests (tier 1).
//!
//! The group: `size` initial members rooted at 0, every pair 10 ms apart unless a test names
//! another distance; default parameters (retry timeout 200 ms, heartbeats every 500 ms, dead
//! after 2 s, three probes 400 ms apart, 40-byte headers and control packets) unless a test
//! says otherwise. A payload packet carries 1,000 bytes of data, so 1,040 on the wire.

use super::{Msg, Send, Timer, Tree, TreeConfig, TreeSetup};
use crate::protocol::{GroupInfo, Harness, Input, MsgId, NodeId, Output, UniformDistance};
use crate::time::SimDuration;
use std::sync::Arc;

/// What a node asks for.
pub(super) type Out = Output<Msg, Timer>;

/// One node in a [`Harness`] (random stream from seed 1).
pub(super) struct Node {
    pub(super) h: Harness<Tree>,
}

impl Node {
    /// Node `me` of a group of `size` rooted at 0 with `config`, every pair `distance_ms`
    /// apart, not started.
    pub(super) fn new(me: NodeId, size: u32, config: TreeConfig, distance_ms: u64) -> Node {
        let setup = TreeSetup { config, root: 0 };
        let distances = UniformDistance(SimDuration::from_ms(distance_ms));
        Node { h: Harness::new(me, GroupInfo::of_size(size), distances, &setup) }
    }

    /// Node `me` of a heap of `size` with `config` (10 ms apart), started at time 0: it takes
    /// its place and sets its first heartbeat at a random phase within an interval.
    pub(super) fn heap(me: NodeId, size: u32, config: TreeConfig) -> Node {
        let mut n = Node::new(me, size, config, 10);
        let out = n.at(0, Input::Start);
        let [Output::SetTimer { after, timer: Timer::Tick }] = out.as_slice() else {
            panic!("one heartbeat timer: {out:?}");
        };
        assert!((1..=500_000).contains(&after.0), "{after:?}");
        n
    }

    /// The node's state.
    pub(super) fn tree(&self) -> &Tree {
        &self.h.protocol
    }

    /// Hands the node `input` at `ms` milliseconds.
    pub(super) fn at(&mut self, ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
        self.h.handle_at_ms(ms, input)
    }

    /// Packet `msg` from `from` arrives at `ms` milliseconds.
    pub(super) fn recv(&mut self, ms: u64, from: NodeId, msg: Msg) -> Vec<Out> {
        self.at(ms, Input::Recv { from, msg })
    }

    /// `timer` fires at `ms` milliseconds.
    pub(super) fn fire(&mut self, ms: u64, timer: Timer) -> Vec<Out> {
        self.at(ms, Input::Timer(timer))
    }

    /// The node's children, in order.
    pub(super) fn children(&self) -> Vec<NodeId> {
        self.tree().children().collect()
    }
}

/// A binary tree (fanout 2) with `config`'s other parameters.
pub(super) fn binary(config: TreeConfig) -> TreeConfig {
    TreeConfig { fanout: 2, ..config }
}

/// `Send { to, msg }`.
pub(super) fn send(to: NodeId, msg: Msg) -> Out {
    Output::Send { to, msg }
}

/// `SetTimer` of `timer` after `ms` milliseconds.
pub(super) fn set(ms: u64, timer: Timer) -> Out {
    Output::SetTimer { after: SimDuration::from_ms(ms), timer }
}

/// `Deliver` of message `id`.
pub(super) fn deliver(id: u32) -> Out {
    Output::Deliver { id: MsgId(id) }
}

/// Only the packets of `out`, as (destination, packet).
pub(super) fn sends(out: Vec<Out>) -> Vec<(NodeId, Msg)> {
    out.into_iter()
        .filter_map(|o| match o {
            Output::Send { to, msg } => Some((to, msg)),
            _ => None,
        })
        .collect()
}

/// Message `seq`, numbered `seq`, sent for reason `why`.
pub(super) fn copy(seq: u32, why: Send) -> Msg {
    Msg::Data { seq, id: MsgId(seq), bytes: 1040, why }
}

/// The first copy of message `seq` on an edge.
pub(super) fn data(seq: u32) -> Msg {
    copy(seq, Send::First)
}

/// A heartbeat knowing `top` messages, carrying `path` (empty up the tree): 40 bytes and 4 per
/// node of the path.
pub(super) fn heartbeat(top: u32, path: &[NodeId]) -> Msg {
    Msg::Heartbeat { top, path: Arc::from(path), bytes: 40 + 4 * path.len() as u32 }
}

/// A LEAVE naming `heir`.
pub(super) fn leave(heir: Option<NodeId>) -> Msg {
    Msg::Leave { heir, bytes: 40 }
}

/// The JOIN of a node that lost `lost` and wants messages from `want` on.
pub(super) fn join(want: Option<u32>, lost: Option<NodeId>) -> Msg {
    Msg::Join { want, lost, waited: SimDuration::ZERO, bytes: 48 }
}

/// A NAK of `missing`: 40 bytes and 4 per sequence number.
pub(super) fn nak(missing: &[u32]) -> Msg {
    Msg::Nak { missing: missing.to_vec(), bytes: 40 + 4 * missing.len() as u32 }
}
