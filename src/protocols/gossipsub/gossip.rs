//! Gossip about messages (gossipsub-v1.0.md, "Message Processing" and "Control Message
//! Processing"; gossipsub-v1.1.md, "Adaptive Gossip Dissemination", "Spam Protection
//! Measures"): each heartbeat a node sends IHAVE with the ids of its cache's newest
//! `mcache_gossip` windows to max(D_lazy, gossip factor × eligible) random non-mesh peers scoring
//! at least the gossip threshold; a node receiving IHAVE asks with IWANT for the ids it has not
//! seen and has not already asked for, and the advertiser answers from its cache.
//!
//! An IWANT is a promise: one of its ids, drawn at random, must arrive within
//! `iwant_followup_ms`, or the advertiser gets a behaviour penalty (P₇), as go-libp2p-pubsub
//! tracks promises. The other ids are remembered only so that nobody else is asked for them
//! before the follow-up time passes.

use super::wire::{control_bytes, Msg, Timer, ID_BYTES};
use super::Gossipsub;
use crate::protocol::{Context, MsgId, NodeId};
use crate::time::{SimDuration, SimTime};
use rand::seq::SliceRandom;
use rand::Rng;
use std::sync::Arc;

/// IHAVEs read from one peer per heartbeat (MaxIHaveMessages, 10 in go-libp2p-pubsub).
pub const MAX_IHAVE_MESSAGES: u8 = 10;
/// Ids one IHAVE or IWANT carries at most (MaxIHaveLength, 5000 in go-libp2p-pubsub).
pub const MAX_IHAVE_LENGTH: usize = 5000;

/// An id asked for with IWANT and not yet received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Promise {
    /// The message.
    pub id: MsgId,
    /// The peer asked.
    pub peer: NodeId,
    /// When the follow-up time runs out.
    pub deadline: SimTime,
    /// Whether a broken promise is penalised (one id per IWANT).
    pub tracked: bool,
}

impl Gossipsub {
    /// The heartbeat's gossip emission.
    pub(super) fn emit_gossip(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        let ids = self.mcache.gossip_ids();
        if ids.is_empty() {
            return;
        }
        let now = cx.now();
        let threshold = self.setup.config.gossip_threshold;
        let mut eligible = Vec::with_capacity(self.peers.len());
        eligible.extend(
            (0..self.peers.len())
                .filter(|&i| self.peers.get(i).is_some_and(|p| !p.in_mesh()) && self.score_at(i, now) >= threshold)
                .filter_map(|i| self.peers.get(i).map(|p| p.id)),
        );
        let by_factor = (self.setup.config.gossip_factor * eligible.len() as f64).ceil() as usize;
        let targets = (self.setup.config.d_lazy as usize).max(by_factor);
        eligible.shuffle(cx.rng());
        eligible.truncate(targets);
        let mut ids = ids;
        ids.truncate(MAX_IHAVE_LENGTH);
        let bytes = control_bytes(self.setup.config.header_bytes, ids.len(), ID_BYTES, 0);
        cx.multicast(eligible, Msg::IHave { ids: Arc::new(ids), bytes });
    }

    /// An IHAVE from peer `i`: ask for what is new, unless the peer scores below the gossip
    /// threshold or sent too many IHAVEs this heartbeat.
    pub(super) fn on_ihave(&mut self, i: usize, ids: &[MsgId], cx: &mut Context<'_, Msg, Timer>) {
        let now = cx.now();
        if self.score_at(i, now) < self.setup.config.gossip_threshold {
            return;
        }
        let Some(p) = self.peers.get_mut(i) else { return };
        if p.ihaves >= MAX_IHAVE_MESSAGES {
            return;
        }
        p.ihaves += 1;
        let peer = p.id;
        let want: Vec<MsgId> = ids
            .iter()
            .take(MAX_IHAVE_LENGTH)
            .copied()
            .filter(|id| !self.seen.contains(id.0) && !self.promises.iter().any(|q| q.id == *id))
            .collect();
        if want.is_empty() {
            return;
        }
        let deadline = now + SimDuration::from_ms_f64(self.setup.config.iwant_followup_ms);
        let tracked = cx.rng().random_range(0..want.len());
        for (k, &id) in want.iter().enumerate() {
            self.promises.push(Promise { id, peer, deadline, tracked: k == tracked });
        }
        let bytes = control_bytes(self.setup.config.header_bytes, want.len(), ID_BYTES, 0);
        cx.send(peer, Msg::IWant { ids: Arc::new(want), bytes });
    }

    /// An IWANT from peer `i`: the cached messages asked for, each at most three times to one
    /// peer, unless the peer scores below the gossip threshold.
    pub(super) fn on_iwant(&mut self, i: usize, ids: &[MsgId], cx: &mut Context<'_, Msg, Timer>) {
        if self.score_at(i, cx.now()) < self.setup.config.gossip_threshold {
            return;
        }
        let Some(peer) = self.peers.get(i).map(|p| p.id) else { return };
        for &id in ids.iter().take(MAX_IHAVE_LENGTH) {
            if let Some((origin, bytes)) = self.mcache.serve(id, peer) {
                cx.send(peer, Msg::Message { id, origin, bytes });
            }
        }
    }

    /// The heartbeat's promise check: a tracked promise past its deadline is a behaviour
    /// penalty for the peer that made it; every expired one is forgotten.
    pub(super) fn check_promises(&mut self, now: SimTime) {
        let mut broken = Vec::new();
        self.promises.retain(|q| {
            let expired = now >= q.deadline;
            if expired && q.tracked {
                broken.push(q.peer);
            }
            !expired
        });
        for peer in broken {
            if let Some(p) = self.peer_index(peer).and_then(|i| self.peers.get_mut(i)) {
                p.counters.behaviour += 1.0;
            }
        }
    }
}
