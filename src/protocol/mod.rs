//! The contract every protocol implements: a sans-IO state machine per node.
//!
//! A protocol instance is one node's state. The kernel hands it an [`Input`] (a packet arrived, a
//! timer fired, the application wants to send) together with a [`Context`] holding the current
//! time, the node's own random stream and an output sink; the protocol answers only by pushing
//! [`Output`]s (send a packet, set a timer, deliver a message to the application). It never reads
//! a clock, never makes a random generator of its own and never does I/O, which is what makes a
//! run reproducible from its seed and testable one input at a time (the shape of iroh-gossip's
//! `proto` and quinn-proto's `Connection`).
//!
//! Timers are never cancelled: a protocol that no longer wants a timer ignores it when it fires,
//! recognising it as stale by the data the timer carries.
//!
//! Everything a protocol learns of its surroundings comes through types declared here: the
//! group's configuration ([`GroupInfo`]: initial size, the well-known senders, whether the network
//! replicates multicast) and a distance-estimate service ([`Distances`]), both reached through
//! the [`Context`]. The kernel implements them; a test that drives a node by hand names its own
//! (there is no silent default). A [`Layer`] wraps a protocol into a [`Stack`]: it owns the inner
//! protocol, runs it with the same node, time, random stream and environment, and maps its
//! inputs, outputs, packets and timers.

mod context;
mod describe;
pub mod harness;
mod kinds;
mod layer;
mod overlay;

pub use context::{Context, Distances, Env, NodeRng, UniformDistance};
pub use describe::{msg_list, msg_list_upto, Description, Fact, Link};
pub use harness::Harness;
pub use kinds::PacketKind;
pub use layer::{Envelope, Inner, Layer, PassThrough, Stack, StackConfig};
pub use overlay::{OverlayEdge, OverlayLink};

use crate::time::SimDuration;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// A node's index in the group, `0..size`.
pub type NodeId = u32;

/// An application message, numbered by the workload in the order the senders submit them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MsgId(pub u32);

/// What the kernel needs to know of a protocol's packet type.
pub trait Wire: Clone + Debug {
    /// The packet's kind, for counters, colours and the trace.
    fn kind(&self) -> PacketKind;
    /// The packet's size on the wire, in bytes, for bandwidth.
    fn bytes(&self) -> u32;
    /// The application message the packet is about, if any (hashed into the trace).
    fn msg(&self) -> Option<MsgId>;
}

/// The group as configured when the run starts: what every node knows from its configuration.
///
/// Joiners get the same value (it is configuration, like a group address), not the current
/// membership: members may have left since, and later joiners have ids `size..`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// How many initial members the group has; they are `0..size`.
    pub size: u32,
    /// The well-known nodes: the workload's senders, in the scenario's order (a tree's root and
    /// RMTP's source are the first). Joiners contact them.
    pub senders: Vec<NodeId>,
    /// Whether the network replicates a multicast packet ([`Output::Multicast`]) after it leaves
    /// the sender's uplink once (`network.native_multicast`), so that a protocol budgeting its
    /// multicast traffic pays for one copy, not one per member.
    pub native_multicast: bool,
}

impl GroupInfo {
    /// A group of `size` initial members with one sender, node 0, over application-level
    /// multicast: what a hand-driven test usually means.
    pub fn of_size(size: u32) -> GroupInfo {
        GroupInfo { size, senders: vec![0], native_multicast: false }
    }
}

/// A change of another member's state, as a membership service reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemberChange {
    /// The node joined the group.
    Joined(NodeId),
    /// The node left the group gracefully.
    Left(NodeId),
    /// The node crashed (it lost its state).
    Crashed(NodeId),
    /// The node came back after a crash, with fresh state.
    Recovered(NodeId),
    /// An overlay membership layer (HyParView) made the node a neighbour of this one: it joined
    /// this node's active view, so the link between them is up, and it is a live member.
    NeighborUp(NodeId),
    /// An overlay membership layer took the node out of this node's active view (it failed, or
    /// the link was dropped to make room): the link is down. Not by itself a departure.
    NeighborDown(NodeId),
    /// The transport gave up on a packet this node sent to the node: the peer is not up (it
    /// crashed, left or has not joined), noticed a timeout after the send, as a TCP connection
    /// notices a dead peer. Only protocols that ask for transport failures hear of it.
    Unreachable(NodeId),
}

impl MemberChange {
    /// The node the change is about.
    pub fn node(self) -> NodeId {
        match self {
            MemberChange::Joined(n)
            | MemberChange::Left(n)
            | MemberChange::Crashed(n)
            | MemberChange::Recovered(n)
            | MemberChange::NeighborUp(n)
            | MemberChange::NeighborDown(n)
            | MemberChange::Unreachable(n) => n,
        }
    }
}

/// Something that happens to a node.
///
/// A node learns of membership only as a real one would: its own start, join, leave and restart
/// come as inputs; others' come as packets (a protocol's own JOIN and LEAVE messages, its own
/// failure detection), or as [`Input::Membership`] when, and only when, the scenario names a
/// membership service (`"membership": {"service": "oracle"}`).
#[derive(Clone, Debug, PartialEq)]
pub enum Input<M, T> {
    /// The run starts (time zero); every initial member gets this once.
    Start,
    /// This node has just joined a running group (a node that was not among the initial members).
    /// Its state is fresh from [`Protocol::new`]; `contacts` are the nodes it knows to contact,
    /// as a real join needs someone to ask (the workload's senders).
    Join {
        /// Nodes this node knows: the scenario's well-known nodes (the workload's senders).
        contacts: Vec<NodeId>,
    },
    /// The application asks this node to leave the group. The node may say goodbye (its packets
    /// already in its uplink and those it sends now still leave); then it stops for good: it gets
    /// no further input and what arrives for it is dropped.
    Leave {
        /// Nodes this node knows: the scenario's well-known nodes (the workload's senders).
        contacts: Vec<NodeId>,
    },
    /// This node has come back after a crash, with fresh state from [`Protocol::new`] (everything
    /// it knew is gone); it may rejoin through `contacts`.
    Restart {
        /// Nodes this node knows: the scenario's well-known nodes (the workload's senders).
        contacts: Vec<NodeId>,
    },
    /// The scenario's membership service reports a change of another member, some delay after
    /// it happened. Never sent unless the scenario names a service.
    Membership(MemberChange),
    /// A packet arrived from `from`.
    Recv {
        /// The node that sent it.
        from: NodeId,
        /// The packet.
        msg: M,
    },
    /// A timer this node set has fired.
    Timer(T),
    /// The application on this node asks to multicast message `id` of `bytes` bytes.
    AppSend {
        /// The message's id.
        id: MsgId,
        /// The message's payload size.
        bytes: u32,
    },
}

/// What a node asks the kernel to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Output<M, T> {
    /// Send `msg` to node `to` through this node's uplink.
    Send {
        /// The destination.
        to: NodeId,
        /// The packet.
        msg: M,
    },
    /// Send one packet to every node of `to`, in order. Over application-level multicast each
    /// copy is a unicast of its own through the uplink, exactly as a [`Output::Send`] per
    /// destination; with native multicast (`network.native_multicast`) the copies leave the
    /// uplink together, as one transmission the network replicates, then meet their own loss,
    /// latency and partitions.
    Multicast {
        /// The destinations.
        to: Vec<NodeId>,
        /// The packet every destination gets a copy of.
        msg: M,
    },
    /// Fire `timer` after `after`.
    SetTimer {
        /// How long from now.
        after: SimDuration,
        /// What the timer carries back.
        timer: T,
    },
    /// Hand message `id` to this node's application.
    Deliver {
        /// The delivered message.
        id: MsgId,
    },
    /// Tell the metrics what this node's membership service has come to believe of another
    /// member (SWIM's suspicions and confirmations), for them to compare with the truth. Nothing
    /// is sent and nothing changes in the run: the kernel only records it.
    Believe(Belief),
}

/// What a node's membership service believes of another member ([`Output::Believe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Belief {
    /// The node is suspected of having failed (it may still refute the suspicion).
    Suspected(NodeId),
    /// The node is confirmed failed: the service has handed its inner protocol `Crashed`.
    Confirmed(NodeId),
}

impl<M, T> Input<M, T> {
    /// The same input with its packet mapped by `msg` and its timer by `timer` (a layer hands its
    /// inner protocol what arrived for it).
    pub fn map<M2, T2>(self, msg: impl FnOnce(M) -> M2, timer: impl FnOnce(T) -> T2) -> Input<M2, T2> {
        match self {
            Input::Start => Input::Start,
            Input::Join { contacts } => Input::Join { contacts },
            Input::Leave { contacts } => Input::Leave { contacts },
            Input::Restart { contacts } => Input::Restart { contacts },
            Input::Membership(change) => Input::Membership(change),
            Input::Recv { from, msg: m } => Input::Recv { from, msg: msg(m) },
            Input::Timer(t) => Input::Timer(timer(t)),
            Input::AppSend { id, bytes } => Input::AppSend { id, bytes },
        }
    }
}

impl<M, T> Output<M, T> {
    /// The same output with its packet mapped by `msg` and its timer by `timer` (a layer wraps
    /// what its inner protocol asked for).
    pub fn map<M2, T2>(self, msg: impl FnOnce(M) -> M2, timer: impl FnOnce(T) -> T2) -> Output<M2, T2> {
        match self {
            Output::Send { to, msg: m } => Output::Send { to, msg: msg(m) },
            Output::Multicast { to, msg: m } => Output::Multicast { to, msg: msg(m) },
            Output::SetTimer { after, timer: t } => Output::SetTimer { after, timer: timer(t) },
            Output::Deliver { id } => Output::Deliver { id },
            Output::Believe(belief) => Output::Believe(belief),
        }
    }
}

/// A multicast protocol: one instance per node.
pub trait Protocol: Sized + Clone {
    /// The protocol's packets.
    type Msg: Wire;
    /// The protocol's timers, carrying what the node needs when they fire.
    type Timer: Clone + Debug;
    /// The protocol's parameters, shared by every node.
    type Config: Clone + Debug;

    /// Whether the node wants to hear of transport failures: when it sends a packet to a node
    /// that is not up (or will not be when the packet arrives), the kernel hands it
    /// `Input::Membership(MemberChange::Unreachable(to))` the network's transport timeout
    /// (`network.transport_timeout_ms`) after the send, as a TCP connection notices a dead peer.
    /// Off by default, so that protocols that do not ask never see the input.
    const TRANSPORT_FAILURES: bool = false;

    /// Node `me`'s initial state.
    fn new(me: NodeId, group: &GroupInfo, config: &Self::Config) -> Self;

    /// Handles one input, pushing what the node does into `cx`.
    fn handle(&mut self, input: Input<Self::Msg, Self::Timer>, cx: &mut Context<'_, Self::Msg, Self::Timer>);

    /// The node this one receives from in the protocol's structure, for the view to draw: a tree
    /// node's parent, an RMTP receiver's designated receiver. `None` for flat protocols and roots.
    fn upstream(&self) -> Option<NodeId> {
        None
    }

    /// Whether this node is *infective* in the epidemic sense (Demers et al. 1987, §1): it holds
    /// a message and is still actively spreading it. A node holding everything it knows of
    /// but no longer spreading is *removed*; one holding nothing is *susceptible*. The view
    /// colours nodes by it; `false` for protocols that do not spread epidemically.
    fn is_infective(&self) -> bool {
        false
    }

    /// Describes this node in plain words for the inspector ([`Description`]): its role and
    /// phase, the nodes it is linked to, a few facts. Says nothing by default.
    fn describe(&self, out: &mut Description) {
        let _ = out;
    }

    /// A pending timer of this node in plain words, for the inspector: what the node will do
    /// when it fires, with the message, round or peer it concerns, from its state now (a timer
    /// it will ignore when it fires says so where the node can tell). Every protocol must say
    /// this: there is no default, so no family shows its timers as code.
    fn describe_timer(&self, timer: &Self::Timer) -> String;

    /// Pushes the peers this node keeps links to in the protocol's own overlay, by what each
    /// link is for ([`OverlayLink`]), for the page to draw: HyParView's active view, Plumtree's
    /// eager and lazy links, GossipSub's mesh. Pushes nothing by default (flat protocols, and
    /// structures [`Protocol::upstream`] already shows).
    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        let _ = out;
    }
}
