//! The message cache (gossipsub-v1.0.md, "Message Cache"): the messages of the last
//! `mcache_len` heartbeats, in windows shifted once per heartbeat; IHAVE advertises the ids of
//! the newest `mcache_gossip` windows and IWANT is served from all of them.
//!
//! Each entry also keeps what v1.1 needs of a message: when its first copy arrived (P₃'s
//! window), and how often it was served to each peer through IWANT (at most [`GOSSIP_RETRANSMISSION`] times, "Spam Protection Measures").
//!
//! The windows are one list, oldest first, each entry stamped with the heartbeat it came in:
//! a node reads its cache at every duplicate it receives (P₃'s window), and one list of
//! 24-byte entries, searched from the newest, is a cache line or two where a list per window
//! with a list of IWANT answers in each entry took several (and 1.6 KB a node where this takes
//! about 0.5).

use crate::protocol::{MsgId, NodeId};
use crate::time::SimTime;

/// Times one message is served to one peer through IWANT at most (GossipRetransmission, 3 in
/// go-libp2p-pubsub).
pub const GOSSIP_RETRANSMISSION: u8 = 3;

/// A cached message.
#[derive(Clone, Debug, PartialEq)]
pub struct Cached {
    /// Its id.
    pub id: MsgId,
    /// The node that published it.
    pub origin: NodeId,
    /// Its size on the wire.
    pub bytes: u32,
    /// The heartbeat (the cache's shift count) it came in.
    window: u32,
    /// When its first copy arrived (or it was published here).
    pub first_at: SimTime,
}

impl Cached {
    /// A message first seen at `at`.
    pub fn new(id: MsgId, origin: NodeId, bytes: u32, at: SimTime) -> Cached {
        Cached { id, origin, bytes, window: 0, first_at: at }
    }
}

/// The message cache: its messages oldest first, and the IWANT answers given from it.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageCache {
    /// The cached messages in the order they came, so by window, oldest first.
    messages: Vec<Cached>,
    /// How often a cached message was served to a peer through IWANT: (message, peer, times).
    served: Vec<(MsgId, NodeId, u8)>,
    /// Heartbeats so far: the newest window's stamp.
    shifts: u32,
    /// Windows kept (`mcache_len`, at least 1).
    len: u32,
    /// Windows advertised (`mcache_gossip`).
    gossip: u32,
}

impl MessageCache {
    /// An empty cache of `len` windows advertising the newest `gossip`.
    pub fn new(len: u32, gossip: u32) -> MessageCache {
        MessageCache { messages: Vec::new(), served: Vec::new(), shifts: 0, len: len.max(1), gossip }
    }

    /// Adds a message to the newest window.
    pub fn put(&mut self, message: Cached) {
        if self.messages.len() == self.messages.capacity() {
            // A quarter more at a time, not double: about 20 messages took room for 32.
            self.messages.reserve_exact((self.messages.len() / 4).max(4));
        }
        self.messages.push(Cached { window: self.shifts, ..message });
    }

    /// The cached message `id` (searched from the newest: a duplicate comes soon after).
    pub fn get(&self, id: MsgId) -> Option<&Cached> {
        self.messages.iter().rev().find(|c| c.id == id)
    }

    /// Serves message `id` to `peer` through IWANT: its origin and size, unless it is not
    /// cached or was served to the peer [`GOSSIP_RETRANSMISSION`] times already.
    pub fn serve(&mut self, id: MsgId, peer: NodeId) -> Option<(NodeId, u32)> {
        let (origin, bytes) = self.get(id).map(|c| (c.origin, c.bytes))?;
        match self.served.iter_mut().find(|(m, p, _)| *m == id && *p == peer) {
            Some((_, _, n)) if *n >= GOSSIP_RETRANSMISSION => return None,
            Some((_, _, n)) => *n += 1,
            None => self.served.push((id, peer, 1)),
        }
        Some((origin, bytes))
    }

    /// The ids IHAVE advertises: those of the newest `mcache_gossip` windows, newest window
    /// first, each in the order its messages came.
    pub fn gossip_ids(&self) -> Vec<MsgId> {
        let mut ids = Vec::new();
        let mut end = self.messages.len();
        for age in 0..self.gossip.min(self.len) {
            let window = self.shifts.wrapping_sub(age);
            let older = self.messages.get(..end).unwrap_or_default();
            let start = older.iter().rposition(|c| c.window != window).map_or(0, |i| i + 1);
            ids.extend(older.get(start..).unwrap_or_default().iter().map(|c| c.id));
            end = start;
        }
        ids
    }

    /// Whether the cache holds no message at all.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The heartbeat's shift: the oldest window is dropped (with its IWANT answers), a new
    /// empty one opened.
    pub fn shift(&mut self) {
        self.shifts = self.shifts.wrapping_add(1);
        let (shifts, len) = (self.shifts, self.len);
        let expired = self.messages.iter().take_while(|c| shifts.wrapping_sub(c.window) >= len).count();
        if expired == 0 {
            return;
        }
        self.messages.drain(..expired);
        let messages = &self.messages;
        self.served.retain(|(m, _, _)| messages.iter().any(|c| c.id == *m));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: u32) -> Cached {
        Cached::new(MsgId(id), 0, 100, SimTime::from_ms(0))
    }

    #[test]
    fn windows_shift_out_after_mcache_len_heartbeats_and_gossip_covers_the_newest() {
        let mut c = MessageCache::new(5, 3);
        c.put(at(0));
        for k in 1..5 {
            c.shift();
            c.put(at(k));
        }
        assert_eq!(c.gossip_ids(), [MsgId(4), MsgId(3), MsgId(2)]);
        assert!(c.get(MsgId(0)).is_some(), "still served to IWANT");
        c.shift();
        assert!(c.get(MsgId(0)).is_none(), "gone after five shifts");
        for _ in 0..5 {
            c.shift();
        }
        assert!(c.is_empty());
    }

    #[test]
    fn gossip_lists_the_newest_window_first_and_each_window_in_arrival_order() {
        let mut c = MessageCache::new(5, 2);
        for k in [1, 2] {
            c.put(at(k));
        }
        c.shift();
        c.shift();
        for k in [5, 3] {
            c.put(at(k));
        }
        assert_eq!(c.gossip_ids(), [MsgId(5), MsgId(3)], "the window between is empty");
        c.shift();
        c.put(at(9));
        assert_eq!(c.gossip_ids(), [MsgId(9), MsgId(5), MsgId(3)]);
    }

    #[test]
    fn a_message_is_served_to_one_peer_three_times_at_most() {
        let mut c = MessageCache::new(5, 3);
        c.put(at(0));
        let served = (0..5).map(|_| c.serve(MsgId(0), 7).is_some()).collect::<Vec<_>>();
        assert_eq!(served, [true, true, true, false, false]);
        assert_eq!(c.serve(MsgId(0), 8), Some((0, 100)));
        assert_eq!(c.serve(MsgId(1), 8), None, "not cached");
        for _ in 0..5 {
            c.shift();
        }
        assert_eq!(c.serve(MsgId(0), 8), None, "shifted out");
        assert!(c.served.is_empty(), "its answers forgotten with it");
    }
}
