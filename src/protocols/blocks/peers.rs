//! The Cyclon partial view, kept by periodic shuffles: peer sampling for epidemic protocols
//! that do not keep the whole membership (the whole-membership sampler is
//! [`super::Members`]).
//!
//! Voulgaris, Gavidia and van Steen, "CYCLON: Inexpensive Membership Management for
//! Unstructured P2P Overlays", J. Network and Systems Management 13(2), 2005, §3 (enhanced
//! shuffling). Each node keeps a view of at most `c` entries (a neighbour and its age). Every
//! shuffle period it ages its entries by one, removes the oldest entry Q, and sends Q a shuffle
//! of `ℓ` entries: itself with age 0 and `ℓ − 1` others drawn at random. Q answers with `ℓ`
//! entries drawn from its own view; each side then merges what it got: entries naming itself or
//! already in its view are dropped, the rest fill empty slots first and then replace the entries
//! it sent. A dead neighbour never answers, so it leaves the view as soon as it is the oldest;
//! that is how a Cyclon view forgets crashed nodes without a failure detector. [`Cyclon`] is the
//! state machine: it returns what to send and takes what arrives, and never sends by itself.

use super::Members;
use crate::protocol::NodeId;
use crate::rng::SimRng;
use rand::Rng;

/// One entry of a Cyclon view: a neighbour and how many shuffle periods ago it was put there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entry {
    /// The neighbour.
    pub node: NodeId,
    /// Its age, in shuffle periods.
    pub age: u32,
}

/// A Cyclon partial view and its shuffles (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cyclon {
    /// The entries, at most `capacity`, no node twice, never this node.
    view: Vec<Entry>,
    /// The view's size `c`.
    capacity: u32,
    /// Entries per shuffle, `ℓ`.
    shuffle_length: u32,
    /// The entries this node sent in its last shuffle request, to replace with the answer's.
    sent: Vec<NodeId>,
}

impl Cyclon {
    /// An empty view of at most `capacity` entries, shuffling `shuffle_length` at a time.
    pub fn new(capacity: u32, shuffle_length: u32) -> Cyclon {
        Cyclon { view: Vec::new(), capacity: capacity.max(1), shuffle_length: shuffle_length.max(1), sent: Vec::new() }
    }

    /// The entries, in the view's order.
    pub fn entries(&self) -> &[Entry] {
        &self.view
    }

    /// Whether `n` is in the view.
    pub fn contains(&self, n: NodeId) -> bool {
        self.view.iter().any(|e| e.node == n)
    }

    /// Fills the view with up to `capacity` distinct members of `members` other than `me`, drawn
    /// uniformly, all of age 0: the random initial view the paper's experiments start from.
    pub fn bootstrap(&mut self, members: &Members, me: NodeId, rng: &mut SimRng) {
        let mut nodes = Vec::new();
        members.sample(rng, self.capacity, me, &mut nodes);
        self.view = nodes.into_iter().map(|node| Entry { node, age: 0 }).collect();
    }

    /// Puts `n` in the view with age 0 (a joiner that contacted this node), replacing a random
    /// entry if the view is full; nothing if `n` is `me` or already there.
    pub fn insert(&mut self, n: NodeId, me: NodeId, rng: &mut SimRng) {
        if n == me || self.contains(n) {
            return;
        }
        let entry = Entry { node: n, age: 0 };
        if self.view.len() < self.capacity as usize {
            self.view.push(entry);
        } else if !self.view.is_empty() {
            let i = rng.random_range(0..self.view.len());
            self.view[i] = entry;
        }
    }

    /// Forgets `n` (it left or crashed).
    pub fn remove(&mut self, n: NodeId) {
        self.view.retain(|e| e.node != n);
    }

    /// Appends to `out` up to `k` distinct neighbours drawn uniformly from the view.
    pub fn sample(&self, rng: &mut SimRng, k: u32, out: &mut Vec<NodeId>) {
        for i in random_indices(rng, self.view.len(), k as usize) {
            out.push(self.view[i].node);
        }
    }

    /// The entry the next shuffle goes to: the oldest (the first of the oldest), as
    /// [`Cyclon::start_shuffle`] picks it; `None` if the view is empty.
    pub fn oldest(&self) -> Option<NodeId> {
        let ages = self.view.iter().enumerate();
        ages.max_by_key(|&(i, e)| (e.age, std::cmp::Reverse(i))).map(|(_, e)| e.node)
    }

    /// Starts a shuffle (the active thread, §3): ages every entry, removes the oldest entry Q
    /// (the first of the oldest), and returns Q with what to send it: this node with age 0 and
    /// `ℓ − 1` other entries drawn at random. `None` if the view is empty.
    pub fn start_shuffle(&mut self, me: NodeId, rng: &mut SimRng) -> Option<(NodeId, Vec<Entry>)> {
        for e in &mut self.view {
            e.age = e.age.saturating_add(1);
        }
        let oldest = (0..self.view.len()).max_by_key(|&i| (self.view[i].age, std::cmp::Reverse(i)))?;
        let partner = self.view.remove(oldest).node;
        let mut send = vec![Entry { node: me, age: 0 }];
        let picked = random_indices(rng, self.view.len(), self.shuffle_length as usize - 1);
        send.extend(picked.into_iter().map(|i| self.view[i]));
        self.sent = send[1..].iter().map(|e| e.node).collect();
        Some((partner, send))
    }

    /// Answers a shuffle from `from` (the passive thread): returns `ℓ` entries drawn from this
    /// view (never `from` itself), then merges `received`, replacing the entries it returns.
    pub fn answer(&mut self, me: NodeId, from: NodeId, received: &[Entry], rng: &mut SimRng) -> Vec<Entry> {
        let candidates: Vec<Entry> = self.view.iter().copied().filter(|e| e.node != from).collect();
        let picked = random_indices(rng, candidates.len(), self.shuffle_length as usize);
        let reply: Vec<Entry> = picked.into_iter().map(|i| candidates[i]).collect();
        let sent: Vec<NodeId> = reply.iter().map(|e| e.node).collect();
        self.merge(me, received, &sent);
        reply
    }

    /// Takes the answer to this node's last shuffle request.
    pub fn on_answer(&mut self, me: NodeId, received: &[Entry]) {
        let sent = std::mem::take(&mut self.sent);
        self.merge(me, received, &sent);
    }

    /// Merges `received` (§3, steps 6-7): entries naming `me` or already held are dropped; the
    /// rest fill empty slots, then replace entries of `sent` still in the view, in order.
    fn merge(&mut self, me: NodeId, received: &[Entry], sent: &[NodeId]) {
        let mut replaceable = sent.iter().copied();
        for &e in received {
            if e.node == me || self.contains(e.node) {
                continue;
            }
            if self.view.len() < self.capacity as usize {
                self.view.push(e);
                continue;
            }
            let Some(slot) = replaceable.by_ref().find_map(|n| self.view.iter().position(|v| v.node == n)) else {
                break;
            };
            self.view[slot] = e;
        }
    }
}

/// `k` distinct indices of `0..len` drawn uniformly (all of them, in order, if `len <= k`): a
/// partial Fisher-Yates shuffle.
fn random_indices(rng: &mut SimRng, len: usize, k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    if len <= k {
        return idx;
    }
    for i in 0..k {
        let j = rng.random_range(i..len);
        idx.swap(i, j);
    }
    idx.truncate(k);
    idx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, Stream};

    fn rng() -> SimRng {
        rng::stream(7, Stream::Node(0))
    }

    #[test]
    fn a_shuffle_sends_me_and_others_to_the_oldest_and_merges_the_answer() {
        let mut r = rng();
        let mut a = Cyclon::new(4, 3);
        a.view = vec![
            Entry { node: 1, age: 3 },
            Entry { node: 2, age: 5 },
            Entry { node: 3, age: 1 },
            Entry { node: 4, age: 5 },
        ];
        let (to, sent) = a.start_shuffle(0, &mut r).unwrap();
        assert_eq!(to, 2, "the oldest, the first of equals");
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0], Entry { node: 0, age: 0 });
        assert!(sent[1..].iter().all(|e| [1, 3, 4].contains(&e.node)));
        assert_eq!(a.entries().len(), 3, "the partner left the view");
        // The partner knows 0 already, and 5, 6, 7 are new.
        let mut b = Cyclon::new(4, 3);
        b.view = vec![
            Entry { node: 5, age: 0 },
            Entry { node: 6, age: 2 },
            Entry { node: 7, age: 1 },
            Entry { node: 0, age: 4 },
        ];
        let reply = b.answer(2, 0, &sent, &mut r);
        assert_eq!(reply.len(), 3);
        assert!(reply.iter().all(|e| [5, 6, 7].contains(&e.node)), "never the asker itself: {reply:?}");
        assert!(b.contains(0) && b.entries().len() == 4);
        a.on_answer(0, &reply);
        assert_eq!(a.entries().len(), 4, "one empty slot filled, then sent entries replaced");
        let nodes: Vec<NodeId> = a.entries().iter().map(|e| e.node).collect();
        assert!(!nodes.contains(&0) && !nodes.contains(&2), "{nodes:?}");
    }
}
