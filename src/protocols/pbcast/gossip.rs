//! The anti-entropy rounds of bimodal multicast (Birman et al. 1999, §3): the round timer, the
//! digest, the solicitation and the retransmission with its limits.

use super::{list_bytes, Msg, Pbcast, Timer};
use crate::protocol::{Context, MsgId, NodeId};
use std::sync::Arc;

impl Pbcast {
    /// Arms the round timer if it is not: a node that holds a message gossips every round.
    pub(super) fn start_ticking(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if !self.ticking {
            self.ticking = true;
            cx.set_timer(self.config.round(), Timer::Round);
        }
    }

    /// A new round: garbage collect, then send the digest of what is left to `fanout` members
    /// drawn uniformly; the timer is re-armed only while something is held.
    pub(super) fn on_round(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        self.round = self.round.wrapping_add(1);
        self.served = 0;
        self.history.collect(self.round, self.config.gc_rounds);
        if !self.history.holds_any() {
            self.ticking = false;
            return;
        }
        let ids: Arc<[MsgId]> = self.history.digest().into();
        let bytes = list_bytes(self.config.header_bytes, ids.len());
        let mut peers = Vec::with_capacity(self.config.fanout as usize);
        self.members.sample(cx.rng(), self.config.fanout, self.me, &mut peers);
        for to in peers {
            cx.send(to, Msg::Digest { round: self.round, ids: ids.clone(), bytes });
        }
        cx.set_timer(self.config.round(), Timer::Round);
    }

    /// A digest from `from`: solicit from it the messages named that this node never had.
    pub(super) fn on_digest(&mut self, from: NodeId, round: u32, ids: &[MsgId], cx: &mut Context<'_, Msg, Timer>) {
        let missing = self.history.missing(ids);
        if missing.is_empty() || from == self.me {
            return;
        }
        let bytes = list_bytes(self.config.header_bytes, missing.len());
        cx.send(from, Msg::Solicit { round, ids: missing.into(), bytes });
    }

    /// A solicitation from `from` answering this node's digest of round `round`: retransmit what
    /// is still held, the most recent first, within the round's retransmission limit; ignore it
    /// if it comes too late (soft-failure detection).
    pub(super) fn on_solicit(&mut self, from: NodeId, round: u32, ids: &[MsgId], cx: &mut Context<'_, Msg, Timer>) {
        let late = self.round.wrapping_sub(round) > self.config.solicit_window_rounds;
        let left = self.config.max_retransmissions_per_round.saturating_sub(self.served);
        if late || left == 0 || from == self.me {
            return;
        }
        for (id, held) in self.history.to_serve(ids, left) {
            self.served += 1;
            cx.send(from, Msg::Repair { id, origin: held.origin, bytes: held.bytes });
        }
    }
}
