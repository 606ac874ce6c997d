//! Plumtree: epidemic broadcast trees, after Leitão, Pereira and Rodrigues, "Epidemic Broadcast
//! Trees", SRDS 2007 (section numbers below are the paper's).
//!
//! Plumtree runs over a membership layer that keeps a small, symmetric, connected overlay
//! (HyParView's active view: `membership.service: "hyparview"`), which tells it of its
//! neighbours with [`MemberChange::NeighborUp`] and [`MemberChange::NeighborDown`]. Each node
//! splits its neighbours into *eager push* peers, to which it pushes payload, and *lazy push*
//! peers, to which it only announces message ids (§3.2). A spanning tree emerges from the first
//! broadcast and heals itself:
//!
//! - **Start** (§3.3): every neighbour is eager, none lazy; a new neighbour becomes eager
//!   (§3.7); a lost one leaves both sets and its announcements are forgotten.
//! - **GOSSIP** (§3.3): a node broadcasting message m delivers it and pushes GOSSIP(m, round 0)
//!   to its eager peers and IHAVE(m, round 0) to its lazy peers. A node receiving GOSSIP(m, r)
//!   for the first time delivers it, pushes GOSSIP(m, r + 1) to its other eager peers and
//!   IHAVE(m, r + 1) to its other lazy peers, and makes the sender eager.
//! - **PRUNE** (§3.5): a GOSSIP for a message already held means two tree paths: the receiver
//!   makes the sender lazy and sends it PRUNE, and the pruned sender makes it lazy too. After the
//!   first broadcast each link carries payload one way at most: n − 1 GOSSIPs per broadcast.
//! - **IHAVE and GRAFT** (§3.6): an IHAVE for a message the node lacks starts a timer
//!   (`timeout1`) and queues the announcer; on expiry the node GRAFTs the first announcer (it
//!   becomes eager on both sides, and answers with the message) and waits `timeout2` before
//!   grafting the next. A GOSSIP arriving in between makes the timer stale.
//! - **Optimization** (§3.8): when a GOSSIP of round r arrives for a message whose IHAVE of
//!   round r' came first, or an IHAVE of round r' arrives for a message received at round r,
//!   and r − r' ≥ `threshold`, the node GRAFTs the announcer (without asking for a message) and
//!   PRUNEs the peer the GOSSIP came from: the shorter lazy link replaces the tree link.
//! - **Lazy push policy** (§3.4): IHAVEs leave at once, one per message and lazy peer (the
//!   simplest of the paper's policies; no batching).
//! - **Eager push gossip** (`lazy_push: false`): every neighbour stays eager and duplicates are
//!   not pruned: flooding over the same overlay, the baseline of the paper's evaluation (§4).
//!
//! Departures from the pseudo-code, kept small: a peer enters the sets only when the membership
//! layer reports it up, and a GOSSIP or GRAFT from a node that is no longer a neighbour is
//! served but does not bring the link back, so the sets always partition the active view.
//!
//! The code: `config.rs` (parameters), `wire.rs` (packets, timers), `node.rs` (the handlers),
//! `family.rs` (the registry's entry and estimate), and this file (the node and its entry point).
//!
//! [`MemberChange::NeighborUp`]: crate::protocol::MemberChange::NeighborUp
//! [`MemberChange::NeighborDown`]: crate::protocol::MemberChange::NeighborDown

mod config;
mod family;
mod node;
#[cfg(test)]
mod tests;
mod wire;

pub use config::{PlumtreeConfig, ID_BYTES, PARAMS};
pub use family::{PlumtreeFamily, WARM_UP_MS};
pub use wire::{Msg, Round, Timer};

use crate::protocol::{Context, Description, GroupInfo, Input, MemberChange, MsgId, NodeId, OverlayLink, Protocol};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A message a node holds: what it needs to answer a GRAFT and to judge an IHAVE (§3.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Held {
    /// The round of the GOSSIP it came in (0 at its origin).
    round: Round,
    /// The GOSSIP's size on the wire.
    bytes: u32,
    /// The peer it came from (the node itself at the origin).
    from: NodeId,
}

/// A message announced by IHAVE but not received (§3.6's `missing`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Missing {
    /// The announcers not yet grafted, in arrival order, with their IHAVE's round.
    announcers: Vec<(NodeId, Round)>,
    /// Whether a [`Timer::Missing`] is set for it.
    waiting: bool,
}

/// One node of Plumtree.
#[derive(Clone, Debug)]
pub struct Plumtree {
    config: Arc<PlumtreeConfig>,
    me: NodeId,
    /// Peers this node pushes payload to (§3.2's eagerPushPeers), in the order they came.
    eager: Vec<NodeId>,
    /// Peers this node sends IHAVEs to (lazyPushPeers).
    lazy: Vec<NodeId>,
    /// Messages held.
    received: BTreeMap<MsgId, Held>,
    /// Messages announced and still missing.
    missing: BTreeMap<MsgId, Missing>,
    /// The peer the latest first GOSSIP came from.
    parent: Option<NodeId>,
    /// GRAFTs sent (repairs and optimizations).
    grafts: u32,
    /// PRUNEs sent.
    prunes: u32,
}

impl Plumtree {
    /// The peers this node pushes payload to.
    pub fn eager(&self) -> &[NodeId] {
        &self.eager
    }

    /// The peers this node only announces messages to.
    pub fn lazy(&self) -> &[NodeId] {
        &self.lazy
    }

    /// Whether the node holds message `id`.
    pub fn holds(&self, id: MsgId) -> bool {
        self.received.contains_key(&id)
    }

    /// GRAFTs this node has sent.
    pub fn grafts(&self) -> u32 {
        self.grafts
    }

    /// Whether `peer` is a neighbour (in either set).
    fn is_neighbor(&self, peer: NodeId) -> bool {
        self.eager.contains(&peer) || self.lazy.contains(&peer)
    }

    /// Makes neighbour `peer` eager (nothing if it is not a neighbour).
    fn make_eager(&mut self, peer: NodeId) {
        if let Some(i) = self.lazy.iter().position(|&p| p == peer) {
            self.lazy.remove(i);
            self.eager.push(peer);
        }
    }

    /// Makes neighbour `peer` lazy (nothing if it is not a neighbour).
    fn make_lazy(&mut self, peer: NodeId) {
        if let Some(i) = self.eager.iter().position(|&p| p == peer) {
            self.eager.remove(i);
            self.lazy.push(peer);
        }
    }

    /// A neighbour came up: eager unless already known (§3.7).
    fn neighbor_up(&mut self, peer: NodeId) {
        if peer != self.me && !self.is_neighbor(peer) {
            self.eager.push(peer);
        }
    }

    /// A neighbour went down: out of both sets, its announcements forgotten (§3.7).
    fn neighbor_down(&mut self, peer: NodeId) {
        self.eager.retain(|&p| p != peer);
        self.lazy.retain(|&p| p != peer);
        for m in self.missing.values_mut() {
            m.announcers.retain(|a| a.0 != peer);
        }
        if self.parent == Some(peer) {
            self.parent = None;
        }
    }
}

impl Protocol for Plumtree {
    type Msg = Msg;
    type Timer = Timer;
    type Config = Arc<PlumtreeConfig>;

    fn new(me: NodeId, _group: &GroupInfo, config: &Arc<PlumtreeConfig>) -> Self {
        Plumtree {
            config: Arc::clone(config),
            me,
            eager: Vec::new(),
            lazy: Vec::new(),
            received: BTreeMap::new(),
            missing: BTreeMap::new(),
            parent: None,
            grafts: 0,
            prunes: 0,
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        match input {
            Input::AppSend { id, bytes } => self.broadcast(id, bytes, cx),
            Input::Recv { from, msg } => match msg {
                Msg::Gossip { id, round, bytes } => self.on_gossip(from, id, round, bytes, cx),
                Msg::IHave { id, round, .. } => self.on_ihave(from, id, round, cx),
                Msg::Graft { id, round, .. } => self.on_graft(from, id, round, cx),
                Msg::Prune { .. } => self.make_lazy(from),
            },
            Input::Timer(Timer::Missing(id)) => self.on_missing_timer(id, cx),
            Input::Membership(MemberChange::NeighborUp(n)) => self.neighbor_up(n),
            Input::Membership(MemberChange::NeighborDown(n)) => self.neighbor_down(n),
            Input::Start
            | Input::Join { .. }
            | Input::Leave { .. }
            | Input::Restart { .. }
            | Input::Membership(_) => {}
        }
    }

    /// The eager peer the latest first GOSSIP came from, while it is still eager.
    fn upstream(&self) -> Option<NodeId> {
        self.parent.filter(|p| self.eager.contains(p))
    }

    /// Infective while it waits to GRAFT a message announced to it: it is still acting on it.
    fn is_infective(&self) -> bool {
        self.missing.values().any(|m| m.waiting)
    }

    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        out.extend(self.eager.iter().map(|&p| (p, OverlayLink::Eager)));
        out.extend(self.lazy.iter().map(|&p| (p, OverlayLink::Lazy)));
    }

    fn describe(&self, out: &mut Description) {
        match (self.upstream(), self.eager.is_empty() && self.lazy.is_empty()) {
            (_, true) => out.state("no neighbours yet"),
            (Some(p), _) => out.state(format!("tree node, parent {p}")),
            (None, _) => out.state("tree node, no parent"),
        }
        out.link("eager", self.eager.iter().copied());
        out.link("lazy", self.lazy.iter().copied());
        out.fact("messages held", self.received.len());
        out.fact("missing (announced by IHAVE)", self.missing.len());
        out.fact("GRAFTs sent", self.grafts);
        out.fact("PRUNEs sent", self.prunes);
    }

    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Missing(id) if self.holds(*id) => {
                format!("ask for m{} if still missing, but it has arrived: nothing to do", id.0)
            }
            Timer::Missing(id) => match self.missing.get(id).and_then(|m| m.announcers.first()) {
                Some(&(peer, _)) => format!(
                    "m{} was announced but has not arrived: ask node {peer} for it (GRAFT), which also makes \
                     that link eager",
                    id.0
                ),
                None => format!("m{} was announced but has not arrived: wait for the next announcement", id.0),
            },
        }
    }
}
