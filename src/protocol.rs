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

use crate::rng::{self, SimRng, Stream};
use crate::sim::network::Network;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// A node's index in the group, `0..size`.
pub type NodeId = u32;

/// An application message, numbered by the workload in the order the senders submit them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MsgId(pub u32);

/// What a packet is for: counted, coloured and hashed by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum PacketKind {
    /// Application payload, first transmission.
    Data = 0,
    /// A positive acknowledgement.
    Ack = 1,
    /// Application payload sent again, because a receiver missed it.
    Retransmit = 2,
    /// Membership control: a node asking to join (or rejoin) the group, or the answer to it.
    Join = 3,
    /// Membership control: a node saying goodbye as it leaves the group.
    Leave = 4,
    /// A negative acknowledgement, or SRM's repair request: "I miss message m".
    Nak = 5,
    /// Application payload sent again in answer to a NAK or request (SRM's repair, a local
    /// retransmission by RMTP's designated receiver or a tree parent).
    Repair = 6,
    /// A session message (SRM): the highest sequence number seen and timestamps to estimate
    /// distances.
    Session = 7,
    /// A receiver's status report (RMTP): highest in-order sequence number and a bitmap.
    Status = 8,
    /// A keep-alive for failure detection (a tree parent and its children).
    Heartbeat = 9,
}

impl PacketKind {
    /// Every kind, in counter order.
    pub const ALL: [PacketKind; 10] = [
        PacketKind::Data,
        PacketKind::Ack,
        PacketKind::Retransmit,
        PacketKind::Join,
        PacketKind::Leave,
        PacketKind::Nak,
        PacketKind::Repair,
        PacketKind::Session,
        PacketKind::Status,
        PacketKind::Heartbeat,
    ];
    /// How many kinds there are.
    pub const COUNT: usize = Self::ALL.len();

    /// The kind's name as metrics and the page show it.
    pub fn name(self) -> &'static str {
        match self {
            PacketKind::Data => "data",
            PacketKind::Ack => "ack",
            PacketKind::Retransmit => "retransmit",
            PacketKind::Join => "join",
            PacketKind::Leave => "leave",
            PacketKind::Nak => "nak",
            PacketKind::Repair => "repair",
            PacketKind::Session => "session",
            PacketKind::Status => "status",
            PacketKind::Heartbeat => "heartbeat",
        }
    }

    /// Whether the packet carries application payload (as opposed to control traffic).
    pub fn is_payload(self) -> bool {
        matches!(self, PacketKind::Data | PacketKind::Retransmit | PacketKind::Repair)
    }
}

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// How many initial members the group has; they are `0..size`.
    pub size: u32,
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
}

impl MemberChange {
    /// The node the change is about.
    pub fn node(self) -> NodeId {
        match self {
            MemberChange::Joined(n) | MemberChange::Left(n) | MemberChange::Crashed(n) | MemberChange::Recovered(n) => {
                n
            }
        }
    }
}

/// Something that happens to a node.
///
/// A node learns of membership only as a real one would: its own start, join, leave and restart
/// come as inputs; others' come as packets (a protocol's own JOIN and LEAVE messages, its own
/// failure detection), or as [`Input::Membership`] when, and only when, the scenario names a
/// membership service (`"membership": {"service": "oracle"}`).
#[derive(Clone, Debug)]
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
#[derive(Clone, Debug)]
pub enum Output<M, T> {
    /// Send `msg` to node `to` through this node's uplink.
    Send {
        /// The destination.
        to: NodeId,
        /// The packet.
        msg: M,
    },
    /// Another copy, to `to`, of the packet this handler sent last ([`Context::send_copy`]).
    Copy {
        /// The destination.
        to: NodeId,
        /// The packet (its copy for `to`).
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
}

/// One node's view of the kernel while it handles one input.
pub struct Context<'a, M, T> {
    now: SimTime,
    me: NodeId,
    seed: u64,
    rng: &'a mut Option<Box<SimRng>>,
    out: &'a mut Vec<Output<M, T>>,
    net: Option<&'a Network>,
}

impl<'a, M, T> Context<'a, M, T> {
    /// A context for node `me` at `now`; `rng` is the node's stream, made on first use.
    pub fn new(
        now: SimTime,
        me: NodeId,
        seed: u64,
        rng: &'a mut Option<Box<SimRng>>,
        out: &'a mut Vec<Output<M, T>>,
    ) -> Self {
        Context { now, me, seed, rng, out, net: None }
    }

    /// The same context, able to answer [`Context::distance`] from `net`.
    pub fn with_network(mut self, net: &'a Network) -> Self {
        self.net = Some(net);
        self
    }

    /// An estimate of the one-way latency from this node to `to`: the network's base latency
    /// between them, without jitter or queueing, as a network-coordinate service (Vivaldi, GNP)
    /// or a few pings would give a real node. Topology-aware protocols use it (a tree that prefers
    /// nearby parents, RMTP's choice of designated receivers); protocols whose papers measure
    /// distance with their own packets (SRM's session messages) must not. Zero without a network
    /// (unit tests that drive a protocol by hand).
    pub fn distance(&self, to: NodeId) -> SimDuration {
        self.net.map_or(SimDuration::ZERO, |n| n.base_latency(self.me, to))
    }

    /// Whether the network replicates multicast packets (`network.native_multicast`): a protocol
    /// that budgets its multicast traffic then pays for one copy per packet, not one per member.
    pub fn native_multicast(&self) -> bool {
        self.net.is_some_and(|n| n.native_multicast())
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// This node's id.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// This node's random stream (derived from the run's seed and the node id).
    pub fn rng(&mut self) -> &mut SimRng {
        let (seed, me) = (self.seed, self.me);
        self.rng.get_or_insert_with(|| Box::new(rng::stream(seed, Stream::Node(me))))
    }

    /// Sends `msg` to `to`.
    pub fn send(&mut self, to: NodeId, msg: M) {
        self.out.push(Output::Send { to, msg });
    }

    /// Sends `to` another copy of the packet sent last in this handler: one multicast packet to
    /// many members is a [`Context::send`] to the first and a `send_copy` to each of the others.
    /// On a network with native multicast (`network.native_multicast`) the copies leave the
    /// uplink with the first, as one transmission the network replicates; otherwise each is a
    /// unicast of its own, exactly as [`Context::send`]. Without an earlier send in this handler
    /// it is a send.
    pub fn send_copy(&mut self, to: NodeId, msg: M) {
        self.out.push(Output::Copy { to, msg });
    }

    /// Multicasts one packet to every node of `to`, in order: a [`Context::send`] to the first,
    /// a [`Context::send_copy`] to each of the others; `msg` makes each receiver's copy.
    pub fn multicast(&mut self, to: impl IntoIterator<Item = NodeId>, mut msg: impl FnMut(NodeId) -> M) {
        let mut to = to.into_iter();
        if let Some(first) = to.next() {
            self.send(first, msg(first));
        }
        for n in to {
            self.send_copy(n, msg(n));
        }
    }

    /// Sets a timer that fires after `after`.
    pub fn set_timer(&mut self, after: SimDuration, timer: T) {
        self.out.push(Output::SetTimer { after, timer });
    }

    /// Delivers message `id` to this node's application.
    pub fn deliver(&mut self, id: MsgId) {
        self.out.push(Output::Deliver { id });
    }
}

/// A multicast protocol: one instance per node.
pub trait Protocol: Sized {
    /// The protocol's packets.
    type Msg: Wire;
    /// The protocol's timers, carrying what the node needs when they fire.
    type Timer: Clone + Debug;
    /// The protocol's parameters, shared by every node.
    type Config: Clone + Debug;

    /// Node `me`'s initial state.
    fn new(me: NodeId, group: &GroupInfo, config: &Self::Config) -> Self;

    /// Handles one input, pushing what the node does into `cx`.
    fn handle(&mut self, input: Input<Self::Msg, Self::Timer>, cx: &mut Context<'_, Self::Msg, Self::Timer>);

    /// The node this one receives from in the protocol's structure, for the view to draw: a tree
    /// node's parent, an RMTP receiver's designated receiver. `None` for flat protocols and roots.
    fn upstream(&self) -> Option<NodeId> {
        None
    }
}
