//! The message cache (gossipsub-v1.0.md, "Message Cache"): the messages of the last
//! `mcache_len` heartbeats, in windows shifted once per heartbeat; IHAVE advertises the ids of
//! the newest `mcache_gossip` windows and IWANT is served from all of them.
//!
//! Each entry also keeps what v1.1 needs of a message: when its first copy arrived (P₃'s
//! window), and how often it was served to each peer through IWANT (at most [`GOSSIP_RETRANSMISSION`] times, "Spam Protection Measures").

use crate::protocol::{MsgId, NodeId};
use crate::time::SimTime;
use std::collections::VecDeque;

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
    /// When its first copy arrived (or it was published here).
    pub first_at: SimTime,
    /// Peers it was served to through IWANT, and how often.
    pub served: Vec<(NodeId, u8)>,
}

impl Cached {
    /// A message first seen at `at`.
    pub fn new(id: MsgId, origin: NodeId, bytes: u32, at: SimTime) -> Cached {
        Cached { id, origin, bytes, first_at: at, served: Vec::new() }
    }

    /// Counts one more IWANT answer to `peer`; false past the limit.
    pub fn serve(&mut self, peer: NodeId) -> bool {
        match self.served.iter_mut().find(|(p, _)| *p == peer) {
            Some((_, n)) if *n >= GOSSIP_RETRANSMISSION => false,
            Some((_, n)) => {
                *n += 1;
                true
            }
            None => {
                self.served.push((peer, 1));
                true
            }
        }
    }
}

/// The message cache: windows of messages, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageCache {
    windows: VecDeque<Vec<Cached>>,
    gossip: usize,
}

impl MessageCache {
    /// An empty cache of `len` windows advertising the newest `gossip`.
    pub fn new(len: u32, gossip: u32) -> MessageCache {
        let len = len.max(1) as usize;
        MessageCache { windows: std::iter::repeat_with(Vec::new).take(len).collect(), gossip: gossip as usize }
    }

    /// Adds a message to the newest window.
    pub fn put(&mut self, message: Cached) {
        if let Some(w) = self.windows.front_mut() {
            w.push(message);
        }
    }

    /// The cached message `id`.
    pub fn get_mut(&mut self, id: MsgId) -> Option<&mut Cached> {
        self.windows.iter_mut().flat_map(|w| w.iter_mut()).find(|c| c.id == id)
    }

    /// The ids IHAVE advertises: those of the newest `mcache_gossip` windows, newest first.
    pub fn gossip_ids(&self) -> Vec<MsgId> {
        self.windows.iter().take(self.gossip).flat_map(|w| w.iter().map(|c| c.id)).collect()
    }

    /// Whether the cache holds no message at all.
    pub fn is_empty(&self) -> bool {
        self.windows.iter().all(Vec::is_empty)
    }

    /// The heartbeat's shift: the oldest window is dropped, a new empty one opened.
    pub fn shift(&mut self) {
        if let Some(mut oldest) = self.windows.pop_back() {
            oldest.clear();
            self.windows.push_front(oldest);
        }
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
        assert!(c.get_mut(MsgId(0)).is_some(), "still served to IWANT");
        c.shift();
        assert!(c.get_mut(MsgId(0)).is_none(), "gone after five shifts");
        for _ in 0..5 {
            c.shift();
        }
        assert!(c.is_empty());
    }

    #[test]
    fn a_message_is_served_to_one_peer_three_times_at_most() {
        let mut m = at(0);
        assert_eq!((0..5).map(|_| m.serve(7)).collect::<Vec<_>>(), [true, true, true, false, false]);
        assert!(m.serve(8));
    }
}
