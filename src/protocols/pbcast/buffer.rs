//! A node's message history: what it has delivered, and the messages it still holds to gossip
//! about and retransmit until they are garbage collected (Birman et al. 1999, §3).
//!
//! A message got during round r (local round numbers: rounds are numbered independently at each
//! node, §3) has age 1 at the next round, and is dropped at the round its age passes
//! `gc_rounds`: it is named in exactly `gc_rounds` of the node's rounds of digests. Delivered
//! messages are remembered apart (a bit per message id), so a message garbage collected is
//! never solicited or delivered again.

use crate::bits::InlineBits;
use crate::protocol::{MsgId, NodeId};
use std::collections::BTreeMap;

/// A message a node holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    /// The member that first multicast it.
    pub origin: NodeId,
    /// Its size on the wire.
    pub bytes: u32,
    /// The node's round when it got it.
    pub got: u32,
}

/// A node's message history.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Messages delivered here (or sent from here).
    delivered: InlineBits,
    /// Messages held, not yet garbage collected, by id.
    held: BTreeMap<MsgId, Held>,
}

impl History {
    /// Whether this node has delivered (or sent) message `id`.
    pub fn has(&self, id: MsgId) -> bool {
        self.delivered.contains(id.0)
    }

    /// Takes message `id` in, got in round `round`; false (and nothing changes) if it was had.
    pub fn take(&mut self, id: MsgId, held: Held) -> bool {
        if !self.delivered.insert(id.0) {
            return false;
        }
        self.held.insert(id, held);
        true
    }

    /// Whether the node holds any message not yet garbage collected.
    pub fn holds_any(&self) -> bool {
        !self.held.is_empty()
    }

    /// The message `id`, if held.
    pub fn held(&self, id: MsgId) -> Option<Held> {
        self.held.get(&id).copied()
    }

    /// Drops every message older than `gc_rounds` at round `round`.
    pub fn collect(&mut self, round: u32, gc_rounds: u32) {
        self.held.retain(|_, h| round.saturating_sub(h.got) <= gc_rounds);
    }

    /// The ids held, in id order: a digest's content.
    pub fn digest(&self) -> Vec<MsgId> {
        self.held.keys().copied().collect()
    }

    /// Of `ids`, those this node has never had: what it solicits.
    pub fn missing(&self, ids: &[MsgId]) -> Vec<MsgId> {
        ids.iter().copied().filter(|&id| !self.has(id)).collect()
    }

    /// Of `ids`, those held, the most recently got first (ties: the higher id first), at most
    /// `limit`: what a node retransmits (most-recent-first, round retransmission limit, §3).
    pub fn to_serve(&self, ids: &[MsgId], limit: u32) -> Vec<(MsgId, Held)> {
        let mut found: Vec<(MsgId, Held)> = ids.iter().filter_map(|&id| Some((id, self.held(id)?))).collect();
        found.sort_unstable_by_key(|&(id, h)| std::cmp::Reverse((h.got, id)));
        found.dedup_by_key(|(id, _)| *id);
        found.truncate(limit as usize);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(got: u32) -> Held {
        Held { origin: 0, bytes: 100, got }
    }

    #[test]
    fn a_message_is_taken_once_and_collected_after_gc_rounds() {
        let mut h = History::default();
        assert!(h.take(MsgId(2), held(5)));
        assert!(!h.take(MsgId(2), held(6)), "a duplicate");
        h.collect(15, 10);
        assert_eq!(h.digest(), vec![MsgId(2)], "age 10: still held");
        h.collect(16, 10);
        assert!(!h.holds_any() && h.has(MsgId(2)), "age 11: collected, still delivered");
        assert!(!h.take(MsgId(2), held(16)), "never taken again");
    }

    #[test]
    fn serves_the_most_recent_first_up_to_the_limit() {
        let mut h = History::default();
        h.take(MsgId(1), held(3));
        h.take(MsgId(2), held(4));
        h.take(MsgId(3), held(4));
        let ids = [MsgId(1), MsgId(2), MsgId(3), MsgId(9), MsgId(3)];
        let order: Vec<MsgId> = h.to_serve(&ids, 10).into_iter().map(|(id, _)| id).collect();
        assert_eq!(order, vec![MsgId(3), MsgId(2), MsgId(1)]);
        assert_eq!(h.to_serve(&ids, 2).len(), 2);
        assert_eq!(h.missing(&ids), vec![MsgId(9)]);
    }
}
