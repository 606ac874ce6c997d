//! The connected peers and the mesh over them: GRAFT and PRUNE as a node sends and answers
//! them, and the heartbeat's mesh maintenance (gossipsub-v1.0.md, "Mesh Maintenance";
//! gossipsub-v1.1.md, "PRUNE Backoff and Peer Exchange", "Outbound Mesh Quotas", "Heartbeat
//! Maintenance", "Opportunistic Grafting").
//!
//! Each heartbeat, in this order: mesh peers scoring below 0 are pruned; below D_lo the node
//! grafts peers (not in backoff, scoring at least 0) up to D; above D_hi it keeps the D_score
//! best-scoring peers and D − D_score more at random, at least D_out of the kept ones outbound
//! (dialed by this node), and prunes the rest with peer exchange; with D_lo or more but fewer
//! than D_out outbound peers it grafts outbound ones; every `opportunistic_graft_ticks`
//! heartbeats, when the mesh's median score is below the opportunistic graft threshold, it
//! grafts two peers scoring above the median.

use super::score::Counters;
use super::wire::{control_bytes, Msg, Timer, BACKOFF_BYTES, PX_BYTES};
use super::Gossipsub;
use crate::protocol::{Context, NodeId};
use crate::time::{SimDuration, SimTime};
use rand::seq::SliceRandom;

/// Peers opportunistic grafting adds at once (OpportunisticGraftPeers, 2 in go-libp2p-pubsub).
pub const OPPORTUNISTIC_GRAFT_PEERS: usize = 2;

/// A connected peer, as one node keeps it: 32 bytes, two to a cache line, as a node reads its
/// sender's record at every packet (56 with an `Option` for the mesh time, a backoff time of
/// its own and P₄'s counter, always 0 here).
#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    /// Its id.
    pub id: NodeId,
    /// Whether this node dialed it (an outbound connection).
    pub outbound: bool,
    /// Whether it is one of the well-known nodes (P₅), found once when it connects.
    pub well_known: bool,
    /// Whether it is in this node's mesh.
    in_mesh: bool,
    /// IHAVEs it sent since the last heartbeat (at most [`super::gossip::MAX_IHAVE_MESSAGES`]
    /// are read).
    pub ihaves: u8,
    /// In the mesh: since when. Out of it: until when neither side may graft the other (after
    /// a PRUNE). One time serves both, as a peer enters the mesh only once its backoff is over
    /// and leaves it only with a new one.
    time: SimTime,
    /// What its score is made of.
    pub counters: Counters,
}

impl Peer {
    /// A peer just connected.
    pub fn new(id: NodeId, outbound: bool) -> Peer {
        Peer { id, outbound, well_known: false, in_mesh: false, ihaves: 0, time: SimTime::ZERO, counters: Counters::default() }
    }

    /// Whether it is in the mesh.
    pub fn in_mesh(&self) -> bool {
        self.in_mesh
    }

    /// Since when it is in the mesh (`None`: not in it).
    pub fn mesh_since(&self) -> Option<SimTime> {
        self.in_mesh.then_some(self.time)
    }

    /// How long it has been in the mesh at `now`.
    pub fn mesh_time(&self, now: SimTime) -> Option<SimDuration> {
        self.mesh_since().map(|t| now.since(t))
    }

    /// Until when neither side may graft the other (in the mesh: none, it is over).
    pub fn backoff_until(&self) -> SimTime {
        if self.in_mesh {
            SimTime::ZERO
        } else {
            self.time
        }
    }

    /// It enters the mesh at `now`.
    pub fn join_mesh(&mut self, now: SimTime) {
        self.in_mesh = true;
        self.time = now;
    }

    /// It is out of the mesh (if it was in) with a backoff until `until`.
    pub fn back_off(&mut self, until: SimTime) {
        self.in_mesh = false;
        self.time = until;
    }
}

/// Room the peer lists grow by when full: a node connects to about 20 peers, once, at its
/// start, so growing in small steps costs a few copies and leaves little room unused.
const PEERS_GROW: usize = 4;

/// Why a mesh peer is pruned: PX is offered only to peers pruned from an oversubscribed mesh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PruneReason {
    /// The mesh is over D_hi (or full when the peer grafted): PX offered.
    Oversubscribed,
    /// The peer scores below 0, or grafted during its backoff: no PX.
    Refused,
}

impl Gossipsub {
    /// Index of peer `id` among the connected peers (kept sorted by id): a search over the
    /// compact id list, two cache lines for 20 peers, where the peers' records take 18.
    pub(super) fn peer_index(&self, id: NodeId) -> Option<usize> {
        self.peer_ids.binary_search(&id).ok()
    }

    /// Connects to `id` (dialing it if `outbound`): added once; false if it was there.
    pub(super) fn connect(&mut self, id: NodeId, outbound: bool) -> bool {
        if id == self.me {
            return false;
        }
        match self.peer_ids.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                let peer = Peer { well_known: self.setup.senders.contains(&id), ..Peer::new(id, outbound) };
                if self.peers.len() == self.peers.capacity() {
                    // Four at a time, not doubling: about 20 peers took room for 32.
                    self.peer_ids.reserve_exact(PEERS_GROW);
                    self.peers.reserve_exact(PEERS_GROW);
                }
                self.peer_ids.insert(at, id);
                self.peers.insert(at, peer);
                true
            }
        }
    }

    /// Drops the connection to `id` (it left, crashed or cannot be reached).
    pub(super) fn disconnect(&mut self, id: NodeId) {
        if let Some(i) = self.peer_index(id) {
            self.peer_ids.remove(i);
            self.peers.remove(i);
        }
    }

    /// Peer `i`'s score now (0 for every peer when scoring is off).
    pub(super) fn score_at(&self, i: usize, now: SimTime) -> f64 {
        match self.peers.get(i) {
            Some(p) if self.setup.config.scoring => {
                p.counters.score_after(p.mesh_time(now), p.well_known, self.setup.activation, &self.setup.config)
            }
            _ => 0.0,
        }
    }

    /// The mesh's size.
    pub fn mesh_len(&self) -> usize {
        self.peers.iter().filter(|p| p.in_mesh()).count()
    }

    /// Grafts peer `i`: into the mesh, and a GRAFT to it.
    pub(super) fn graft(&mut self, i: usize, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = self.setup.config.header_bytes;
        if let Some(p) = self.peers.get_mut(i) {
            p.join_mesh(cx.now());
            cx.send(p.id, Msg::Graft { bytes });
        }
    }

    /// Prunes peer `i` (in the mesh or not, as when refusing a GRAFT): out of the mesh with its
    /// P₃ᵦ penalty, a backoff on both sides, and a PRUNE with peer exchange if `reason` allows.
    pub(super) fn prune(&mut self, i: usize, reason: PruneReason, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let px = self.exchange(i, reason, cx);
        let config = &self.setup.config;
        let Some(p) = self.peers.get_mut(i) else { return };
        if let Some(t) = p.mesh_time(now) {
            p.counters.leave_mesh(t, config);
        }
        p.back_off(now + config.backoff());
        let bytes = control_bytes(config.header_bytes, px.len(), PX_BYTES, BACKOFF_BYTES);
        let backoff_ms = config.prune_backoff_ms.min(f64::from(u32::MAX)) as u32;
        cx.send(p.id, Msg::prune(backoff_ms, px, bytes));
    }

    /// The peers a PRUNE to peer `i` offers: up to `prune_peers` others scoring at least 0,
    /// when it is pruned from an oversubscribed mesh and scores at least 0 itself.
    fn exchange(&self, i: usize, reason: PruneReason, cx: &mut Context<'_, Msg, Timer>) -> Vec<NodeId> {
        let now = cx.now();
        if reason == PruneReason::Refused || self.setup.config.prune_peers == 0 || self.score_at(i, now) < 0.0 {
            return Vec::new();
        }
        let mut px: Vec<NodeId> = (0..self.peers.len())
            .filter(|&j| j != i && self.score_at(j, now) >= 0.0)
            .filter_map(|j| self.peers.get(j).map(|p| p.id))
            .collect();
        px.shuffle(cx.rng());
        px.truncate(self.setup.config.prune_peers as usize);
        px
    }

    /// A GRAFT from `from`: accepted into the mesh unless the peer is in backoff (a behaviour
    /// penalty and a PRUNE), scores below 0 (a PRUNE), or the mesh is full (D_hi) and the peer
    /// is inbound (a PRUNE with PX).
    pub(super) fn on_graft(&mut self, from: NodeId, cx: &mut Context<'_, Msg, Timer>) {
        self.connect(from, false);
        let now = cx.now();
        let Some(i) = self.peer_index(from) else { return };
        let Some(p) = self.peers.get_mut(i) else { return };
        if p.in_mesh() {
            return;
        }
        let outbound = p.outbound;
        if now < p.backoff_until() {
            p.counters.behaviour += 1.0;
            return self.prune(i, PruneReason::Refused, cx);
        }
        if self.score_at(i, now) < 0.0 {
            return self.prune(i, PruneReason::Refused, cx);
        }
        if self.mesh_len() >= self.setup.config.d_hi as usize && !outbound {
            return self.prune(i, PruneReason::Oversubscribed, cx);
        }
        if let Some(p) = self.peers.get_mut(i) {
            p.join_mesh(now);
        }
    }

    /// A PRUNE from `from`: out of the mesh, the backoff it asks for, and its peer exchange
    /// followed if the pruner scores at least the accept-PX threshold (always, without
    /// scoring), while this node has fewer than `connections` peers.
    pub(super) fn on_prune(&mut self, from: NodeId, backoff_ms: u32, px: &[NodeId], cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let Some(i) = self.peer_index(from) else { return };
        let accept = !self.setup.config.scoring || self.score_at(i, now) >= self.setup.config.accept_px_threshold;
        let config = &self.setup.config;
        if let Some(p) = self.peers.get_mut(i) {
            if let Some(t) = p.mesh_time(now) {
                p.counters.leave_mesh(t, config);
            }
            p.back_off(now + SimDuration::from_ms(u64::from(backoff_ms)));
        }
        if accept {
            let wanted = config.connections as usize;
            for &n in px {
                if self.peers.len() >= wanted {
                    break;
                }
                self.dial(n, cx);
            }
        }
    }

    /// The heartbeat's mesh maintenance.
    pub(super) fn maintain_mesh(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        if self.setup.config.scoring {
            for i in 0..self.peers.len() {
                if self.peers.get(i).is_some_and(Peer::in_mesh) && self.score_at(i, now) < 0.0 {
                    self.prune(i, PruneReason::Refused, cx);
                }
            }
        }
        let (d_lo, d, d_hi) = (self.setup.config.d_lo as usize, self.setup.config.d as usize, self.setup.config.d_hi as usize);
        let mesh = self.mesh_len();
        if mesh < d_lo {
            let mut fresh = self.candidates(now, |_| true);
            fresh.shuffle(cx.rng());
            fresh.truncate(d - mesh);
            fresh.into_iter().for_each(|i| self.graft(i, cx));
        } else if mesh > d_hi {
            self.shrink(cx);
        }
        self.keep_outbound_quota(cx);
        self.ticks += 1;
        let ticks = u64::from(self.setup.config.opportunistic_graft_ticks.max(1));
        if self.setup.config.scoring && self.ticks.is_multiple_of(ticks) {
            self.graft_opportunistically(cx);
        }
    }

    /// Indices of the peers the heartbeat may graft: not in the mesh, not in backoff, scoring
    /// at least 0, and passing `also`.
    fn candidates(&self, now: SimTime, also: impl Fn(&Peer) -> bool) -> Vec<usize> {
        (0..self.peers.len())
            .filter(|&i| {
                self.peers.get(i).is_some_and(|p| !p.in_mesh() && now >= p.backoff_until() && also(p))
                    && self.score_at(i, now) >= 0.0
            })
            .collect()
    }

    /// Over D_hi: keep the D_score best, then random peers up to D, at least D_out outbound;
    /// prune the rest with PX.
    fn shrink(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let cfg = &self.setup.config;
        let (d, d_score, d_out) = (cfg.d as usize, cfg.d_score as usize, cfg.d_out as usize);
        let mut mesh: Vec<usize> = (0..self.peers.len()).filter(|&i| self.peers.get(i).is_some_and(Peer::in_mesh)).collect();
        mesh.shuffle(cx.rng());
        mesh.sort_by(|&a, &b| self.score_at(b, now).total_cmp(&self.score_at(a, now)));
        let (_, rest) = mesh.split_at_mut(d_score.min(d));
        rest.shuffle(cx.rng());
        let outbound = |i: &usize| self.peers.get(*i).is_some_and(|p| p.outbound);
        let kept_out = mesh.iter().take(d).filter(|i| outbound(i)).count();
        if kept_out < d_out {
            // Move outbound peers from the pruned tail to just before the cut, pushing
            // inbound random picks out (the D_score best stay).
            let mut tail_out: Vec<usize> = mesh.iter().skip(d).copied().filter(outbound).collect();
            tail_out.truncate(d_out - kept_out);
            mesh.retain(|i| !tail_out.contains(i));
            let at = d.saturating_sub(tail_out.len()).max(d_score.min(d)).min(mesh.len());
            mesh.splice(at..at, tail_out);
        }
        for &i in mesh.iter().skip(d) {
            self.prune(i, PruneReason::Oversubscribed, cx);
        }
    }

    /// With D_lo or more mesh peers but fewer than D_out outbound, graft outbound peers.
    fn keep_outbound_quota(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let d_out = self.setup.config.d_out as usize;
        let have = self.peers.iter().filter(|p| p.in_mesh() && p.outbound).count();
        if self.mesh_len() < self.setup.config.d_lo as usize || have >= d_out {
            return;
        }
        let mut out = self.candidates(cx.now(), |p| p.outbound);
        out.shuffle(cx.rng());
        out.truncate(d_out - have);
        out.into_iter().for_each(|i| self.graft(i, cx));
    }

    /// When the mesh's median score is below the threshold, graft up to two peers scoring
    /// above the median.
    fn graft_opportunistically(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        let mut scores: Vec<f64> =
            (0..self.peers.len()).filter(|&i| self.peers.get(i).is_some_and(Peer::in_mesh)).map(|i| self.score_at(i, now)).collect();
        if scores.len() < 2 {
            return;
        }
        scores.sort_by(f64::total_cmp);
        let median = scores.get(scores.len() / 2).copied().unwrap_or(0.0);
        if median >= self.setup.config.opportunistic_graft_threshold {
            return;
        }
        let mut better: Vec<usize> = self.candidates(now, |_| true).into_iter().filter(|&i| self.score_at(i, now) > median).collect();
        better.shuffle(cx.rng());
        better.truncate(OPPORTUNISTIC_GRAFT_PEERS);
        better.into_iter().for_each(|i| self.graft(i, cx));
    }
}
