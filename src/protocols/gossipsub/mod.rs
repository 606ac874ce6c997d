//! GossipSub v1.1 with peer scoring, one topic: the libp2p specification
//! (`pubsub/gossipsub/gossipsub-v1.0.md` and `gossipsub-v1.1.md`, github.com/libp2p/specs) and
//! Vyzovitis, Napora, McCormick, Dias and Psaras, "GossipSub: Attack-Resilient Message
//! Propagation in the Filecoin and ETH2.0 Networks", 2020.
//!
//! - **Connections** (libp2p's, below GossipSub). At the start each node dials `connections`
//!   peers drawn at random from the initial members; both sides of a connection announce their
//!   subscription to the topic (SUBSCRIBE, counted as JOIN). A joiner, or a node restarted after
//!   a crash, dials its contacts (the workload's senders) and finds more peers through peer
//!   exchange. A peer is dropped when it unsubscribes (leaves), when the membership service says
//!   it crashed or left, and when the transport reports it unreachable.
//! - **Mesh** ([`mesh`]): a subset of the connected peers, of degree D within [D_lo, D_hi], kept
//!   by a heartbeat with GRAFT and PRUNE; a PRUNE sets a backoff on both sides and may offer
//!   peers to connect to (PX); v1.1's D_score, D_out and opportunistic grafting.
//! - **Messages**: a published message goes to every connected peer scoring at least the publish
//!   threshold (flood publishing, v1.1), or to the mesh only; a node getting a message for the
//!   first time delivers it, caches it and forwards it to its mesh peers but the one it came from
//!   (its publisher included: with one publisher, a publisher that never heard its mesh peers
//!   forward would count them all short of P₃'s threshold and prune its whole mesh). The seen cache is a bit per message id, kept for the whole
//!   run (the spec's `seen_ttl` of two minutes outlasts the runs here).
//! - **Gossip** ([`gossip`]): IHAVE to D_lazy (or gossip factor) non-mesh peers each heartbeat,
//!   IWANT in answer, served from the message cache ([`mcache`]).
//! - **Peer scoring** ([`score`]): P₁, P₂, P₃, P₃ᵦ, P₄, P₅ and P₇ (P₆, IP colocation, left
//!   out), decayed each heartbeat, with the gossip, publish, graylist, accept-PX and
//!   opportunistic-graft thresholds; a peer below the graylist threshold is ignored altogether.
//!   `scoring: false` makes every score 0 (GossipSub v1.1 without scores).
//!
//! Left out: fanout (one topic, every node subscribed), explicit peering, the unsubscribe
//! backoff, the retention of disconnected peers' scores, and message validation (no message is
//! invalid here, so P₄ stays 0). Each heartbeat's first instant is drawn at random within one
//! period, as nodes that started at different times would be.
//!
//! The code: `config.rs` (parameters), `wire.rs` (packets), `mesh.rs` (peers, GRAFT, PRUNE, the
//! heartbeat's mesh maintenance), `gossip.rs` (IHAVE, IWANT, promises), `mcache.rs` (the message
//! cache), `score.rs` (the score), `family.rs` (the registry's estimate), this file (the node).

mod config;
mod family;
pub mod gossip;
pub mod mcache;
pub mod mesh;
pub mod score;
#[cfg(test)]
mod tests;
mod wire;
mod words;

pub use config::{GossipsubConfig, PARAMS};
pub use family::GossipsubFamily;
pub use wire::{control_bytes, Ids, Msg, PruneBody, Timer, BACKOFF_BYTES, ID_BYTES, PX_BYTES};

use crate::bits::InlineBits;
use crate::protocol::{Context, Description, GroupInfo, Input, MemberChange, MsgId, NodeId, OverlayLink, Protocol};
use crate::time::{SimDuration, SimTime};
use gossip::Promise;
use mcache::{Cached, MessageCache};
use mesh::Peer;
use rand::Rng;
use std::sync::Arc;

/// What every node of a run shares: the parameters, the initial size and the well-known nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// The parameters.
    pub config: GossipsubConfig,
    /// Initial members, `0..size`.
    pub size: u32,
    /// The well-known nodes (the workload's senders): the joiners' contacts, scored by P₅.
    pub senders: Vec<NodeId>,
    /// P₃'s activation time (`mesh_deliveries_activation_ms`), converted once.
    pub activation: SimDuration,
    /// P₃'s delivery window (`mesh_deliveries_window_ms`), converted once.
    pub window: SimDuration,
}

impl Setup {
    /// The shared setup of `config` over `group`.
    pub fn new(config: GossipsubConfig, group: &GroupInfo) -> Arc<Setup> {
        let activation = SimDuration::from_ms_f64(config.mesh_deliveries_activation_ms);
        let window = SimDuration::from_ms_f64(config.mesh_deliveries_window_ms);
        Arc::new(Setup { config, size: group.size, senders: group.senders.clone(), activation, window })
    }
}

/// One GossipSub node.
#[derive(Clone, Debug)]
pub struct Gossipsub {
    me: NodeId,
    setup: Arc<Setup>,
    /// The connected peers' ids, sorted: what a packet's arrival searches.
    peer_ids: Vec<NodeId>,
    /// The connected peers, in the order of `peer_ids`, with their mesh state and counters.
    peers: Vec<Peer>,
    /// Every message id seen (the seen cache).
    seen: InlineBits,
    /// The message cache.
    mcache: MessageCache,
    /// Ids asked for with IWANT and not yet received.
    promises: Vec<Promise>,
    /// Heartbeats so far.
    ticks: u64,
    /// The peer the latest new message came from.
    last_from: Option<NodeId>,
    /// Whether the node has left the topic.
    left: bool,
    /// The time of the latest input (the inspector's scores are computed at it).
    last_now: SimTime,
}

impl Gossipsub {
    /// The connected peers.
    pub fn peers(&self) -> &[Peer] {
        &self.peers
    }

    /// The mesh peers, by id.
    pub fn mesh(&self) -> Vec<NodeId> {
        self.peers.iter().filter(|p| p.in_mesh()).map(|p| p.id).collect()
    }

    /// Whether message `id` has been seen.
    pub fn has_seen(&self, id: MsgId) -> bool {
        self.seen.contains(id.0)
    }

    /// The score of peer `id` at `now` (0 when not connected or scoring is off).
    pub fn score_of(&self, id: NodeId, now: SimTime) -> f64 {
        self.peer_index(id).map_or(0.0, |i| self.score_at(i, now))
    }

    fn control(&self) -> u32 {
        self.setup.config.header_bytes
    }

    /// Dials `id`: a connection, and this side's subscription announcement.
    fn dial(&mut self, id: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        if self.connect(id, true) {
            cx.send(id, Msg::Subscribe { subscribed: true, answer: false, bytes: self.control() });
        }
    }

    /// The run starts: dial `connections` random initial members, and start the heartbeat.
    fn start(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let size = self.setup.size;
        let want = (self.setup.config.connections as usize).min(size.saturating_sub(1) as usize);
        let mut tries = 0;
        while self.peers.len() < want && tries < 4 * want + 16 {
            tries += 1;
            let n = cx.rng().random_range(0..size);
            self.dial(n, cx);
        }
        self.start_heartbeat(cx);
    }

    /// Joins (or rejoins after a restart) through `contacts`.
    fn join(&mut self, contacts: &[NodeId], cx: &mut Context<'_, Msg, Timer>) {
        for &c in contacts {
            self.dial(c, cx);
        }
        self.start_heartbeat(cx);
    }

    /// The first heartbeat at a random instant within one period.
    fn start_heartbeat(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let period = self.setup.config.heartbeat().0.max(1);
        let first = cx.rng().random_range(1..=period);
        cx.set_timer(SimDuration(first), Timer::Heartbeat);
    }

    /// Leaves the topic: PRUNE to the mesh (no PX) and an unsubscription to every peer.
    fn leave(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        self.left = true;
        let bytes = self.control();
        let to: Vec<NodeId> = self.peers.iter().map(|p| p.id).collect();
        cx.multicast(to, Msg::Subscribe { subscribed: false, answer: false, bytes });
        self.peer_ids.clear();
        self.peers.clear();
    }

    /// The application publishes message `id`.
    fn publish(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        if !self.seen.insert(id.0) {
            return;
        }
        let bytes = payload.saturating_add(self.control());
        let me = self.me;
        self.mcache.put(Cached::new(id, me, bytes, cx.now()));
        cx.deliver(id);
        let now = cx.now();
        let threshold = self.setup.config.publish_threshold;
        let flood = self.setup.config.flood_publish;
        let to: Vec<NodeId> = (0..self.peers.len())
            .filter(|&i| {
                self.peers.get(i).is_some_and(|p| flood || p.in_mesh()) && self.score_at(i, now) >= threshold
            })
            .filter_map(|i| self.peers.get(i).map(|p| p.id))
            .collect();
        cx.multicast(to, Msg::Message { id, origin: me, bytes });
    }

    /// A message from peer `i`: the first copy is delivered, cached, credited (P₂, P₃) and
    /// forwarded to the mesh; a duplicate from a mesh peer within the window is credited (P₃).
    fn on_message(&mut self, i: usize, id: MsgId, origin: NodeId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let Some(p) = self.peers.get_mut(i) else { return };
        let from = p.id;
        if !self.seen.insert(id.0) {
            let window = self.setup.window;
            // A mesh peer forwards a message once, so each duplicate is a distinct peer's.
            if let Some(c) = self.mcache.get(id) {
                if p.in_mesh() && now.since(c.first_at) <= window {
                    p.counters.near_first_delivery();
                }
            }
            return;
        }
        p.counters.first_delivery(p.in_mesh());
        self.promises.retain(|q| q.id != id);
        self.last_from = Some(from);
        self.mcache.put(Cached::new(id, origin, bytes, now));
        cx.deliver(id);
        // Room for every peer at once: collected by growing, the list was copied once or twice.
        let mut to = Vec::with_capacity(self.peers.len());
        to.extend(self.peers.iter().filter(|p| p.in_mesh() && p.id != from).map(|p| p.id));
        cx.multicast(to, Msg::Message { id, origin, bytes });
    }

    /// A subscription announcement from `from`.
    fn on_subscribe(&mut self, from: NodeId, subscribed: bool, answer: bool, cx: &mut Context<'_, Msg, Timer>) {
        if !subscribed {
            return self.disconnect(from);
        }
        let fresh = self.connect(from, false);
        if fresh && !answer {
            cx.send(from, Msg::Subscribe { subscribed: true, answer: true, bytes: self.control() });
        }
    }

    /// A packet from `from`: ignored from a peer below the graylist threshold.
    fn on_packet(&mut self, from: NodeId, msg: Msg, cx: &mut Context<'_, Msg, Timer>) {
        if let Msg::Subscribe { subscribed, answer, .. } = msg {
            return self.on_subscribe(from, subscribed, answer, cx);
        }
        if let Msg::Graft { .. } = msg {
            return self.on_graft(from, cx);
        }
        let Some(i) = self.peer_index(from) else { return };
        if self.score_at(i, cx.now()) < self.setup.config.graylist_threshold {
            return;
        }
        match msg {
            Msg::Message { id, origin, bytes } => self.on_message(i, id, origin, bytes, cx),
            Msg::IHave { ids, .. } => self.on_ihave(i, &ids, cx),
            Msg::IWant { ids, .. } => self.on_iwant(i, &ids, cx),
            Msg::Prune { prune, .. } => self.on_prune(from, prune.backoff_ms, &prune.px, cx),
            Msg::Subscribe { .. } | Msg::Graft { .. } => {}
        }
    }

    /// The heartbeat: score decay, broken promises, mesh maintenance, gossip, the cache's shift.
    fn heartbeat(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.left {
            return;
        }
        for p in &mut self.peers {
            p.counters.decay();
            p.ihaves = 0;
        }
        self.check_promises(cx.now());
        self.maintain_mesh(cx);
        self.emit_gossip(cx);
        self.mcache.shift();
        cx.set_timer(self.setup.config.heartbeat(), Timer::Heartbeat);
    }

    fn on_membership(&mut self, change: MemberChange) {
        match change {
            MemberChange::Crashed(n) | MemberChange::Left(n) | MemberChange::Unreachable(n) => self.disconnect(n),
            _ => {}
        }
    }
}

impl Protocol for Gossipsub {
    type Msg = Msg;
    type Timer = Timer;
    type Config = Arc<Setup>;

    /// A libp2p router learns that a peer is gone when its connection closes, and removes it
    /// from the mesh, fanout and scores at once: the transport's report stands for that.
    const TRANSPORT_FAILURES: bool = true;

    fn new(me: NodeId, _group: &GroupInfo, setup: &Arc<Setup>) -> Self {
        let config = &setup.config;
        Gossipsub {
            me,
            setup: setup.clone(),
            peer_ids: Vec::new(),
            peers: Vec::new(),
            seen: InlineBits::new(),
            mcache: MessageCache::new(config.mcache_len, config.mcache_gossip),
            promises: Vec::new(),
            ticks: 0,
            last_from: None,
            left: false,
            last_now: SimTime::ZERO,
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        self.last_now = cx.now();
        match input {
            Input::Start => self.start(cx),
            Input::Join { contacts } | Input::Restart { contacts } => self.join(&contacts, cx),
            Input::Leave { .. } => self.leave(cx),
            Input::Membership(change) => self.on_membership(change),
            Input::AppSend { id, bytes } => self.publish(id, bytes, cx),
            Input::Recv { from, msg } => self.on_packet(from, msg, cx),
            Input::Timer(Timer::Heartbeat) => self.heartbeat(cx),
        }
    }

    /// The peer the latest new message came from.
    fn upstream(&self) -> Option<NodeId> {
        self.last_from
    }

    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Heartbeat => self.heartbeat_words(),
        }
    }

    /// Mesh links as `Mesh`, the other connections as `Active`.
    fn overlay(&self, out: &mut Vec<(NodeId, OverlayLink)>) {
        for p in &self.peers {
            out.push((p.id, if p.in_mesh() { OverlayLink::Mesh } else { OverlayLink::Active }));
        }
    }

    /// Its mesh and peers, and the mesh peers' scores (at its latest input) and counters.
    fn describe(&self, out: &mut Description) {
        let c = &self.setup.config;
        out.state(if self.left {
            "left the topic".to_string()
        } else {
            format!(
                "mesh member: {} of its {} peers in its mesh (it aims for {}, between {} and {})",
                self.mesh_len(),
                self.peers.len(),
                c.d,
                c.d_lo,
                c.d_hi
            )
        });
        out.link("mesh", self.mesh());
        out.link("peers", self.peers.iter().filter(|p| !p.in_mesh()).map(|p| p.id));
        out.fact("messages seen", self.seen.len());
        out.fact("IWANT promises open", self.promises.len());
        let worst = self.worst_scores();
        if !worst.is_empty() {
            out.fact("lowest scores", worst);
        }
        for (i, p) in self.peers.iter().enumerate().filter(|(_, p)| p.in_mesh()) {
            let (c, score) = (p.counters, self.score_at(i, self.last_now));
            let words = format!(
                "score {score:.2} (first deliveries {:.1}, mesh deliveries {:.1}, mesh failure {:.1}, behaviour {:.1})",
                c.first, c.mesh, c.failure, c.behaviour
            );
            out.fact("mesh peer", format!("{}: {words}", p.id));
        }
    }
}
