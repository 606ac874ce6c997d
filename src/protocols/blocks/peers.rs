//! Peer sampling, the part of every epidemic protocol that answers "whom do I gossip with?":
//! a uniform sampler over the membership a node knows ([`Members`]) and the Cyclon partial view
//! ([`Cyclon`]), kept by periodic shuffles.
//!
//! **Uniform.** The epidemic analyses (Demers et al. 1987, Pittel 1987, Karp et al. 2000) let
//! each node call a partner drawn uniformly from the whole group. A node knows the initial
//! members `0..size` from its configuration ([`crate::protocol::GroupInfo`]); what it has learned
//! since is kept as exceptions: members it knows are gone (left or crashed), and joiners it knows
//! of. So a node of a group of 10^6 holds two empty vectors, not a 125 kB bitmap, and a draw is a
//! `random_range` over `0..size + joiners`, rejecting itself, the gone and those already drawn.
//!
//! **Cyclon.** Voulgaris, Gavidia and van Steen, "CYCLON: Inexpensive Membership Management for
//! Unstructured P2P Overlays", J. Network and Systems Management 13(2), 2005, §3 (enhanced
//! shuffling). Each node keeps a view of at most `c` entries (a neighbour and its age). Every
//! shuffle period it ages its entries by one, removes the oldest entry Q, and sends Q a shuffle
//! of `ℓ` entries: itself with age 0 and `ℓ − 1` others drawn at random. Q answers with `ℓ`
//! entries drawn from its own view; each side then merges what it got: entries naming itself or
//! already in its view are dropped, the rest fill empty slots first and then replace the entries
//! it sent. A dead neighbour never answers, so it leaves the view as soon as it is the oldest;
//! that is how a Cyclon view forgets crashed nodes without a failure detector. [`Cyclon`] is the
//! state machine: it returns what to send and takes what arrives, and never sends by itself.

use crate::protocol::NodeId;
use crate::rng::SimRng;
use rand::Rng;

/// Draws per wanted peer before a sampler gives up on rejection sampling (a group mostly gone).
const TRIES_PER_PEER: u32 = 32;

/// The membership a node knows: the initial members `0..size`, minus those it learned are gone,
/// plus the joiners it learned of. Both lists are sorted and usually empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    size: u32,
    /// Initial members (and recorded joiners never; see `joined`) known to be gone, sorted.
    gone: Vec<NodeId>,
    /// Joiners (ids `size..`) known to be members, sorted.
    joined: Vec<NodeId>,
}

impl Members {
    /// The initial members `0..size`, nothing learned yet. Allocates nothing.
    pub const fn initial(size: u32) -> Members {
        Members { size, gone: Vec::new(), joined: Vec::new() }
    }

    /// Whether `n` is a member as far as this node knows.
    pub fn contains(&self, n: NodeId) -> bool {
        if n < self.size {
            self.gone.binary_search(&n).is_err()
        } else {
            self.joined.binary_search(&n).is_ok()
        }
    }

    /// Records that `n` is a member (it joined, came back, or sent a packet); true if new.
    pub fn add(&mut self, n: NodeId) -> bool {
        if n < self.size {
            match self.gone.binary_search(&n) {
                Ok(i) => {
                    self.gone.remove(i);
                    true
                }
                Err(_) => false,
            }
        } else {
            match self.joined.binary_search(&n) {
                Ok(_) => false,
                Err(i) => {
                    self.joined.insert(i, n);
                    true
                }
            }
        }
    }

    /// Records that `n` is gone (it left or crashed); true if it was a member.
    pub fn remove(&mut self, n: NodeId) -> bool {
        if n < self.size {
            match self.gone.binary_search(&n) {
                Ok(_) => false,
                Err(i) => {
                    self.gone.insert(i, n);
                    true
                }
            }
        } else {
            match self.joined.binary_search(&n) {
                Ok(i) => {
                    self.joined.remove(i);
                    true
                }
                Err(_) => false,
            }
        }
    }

    /// How many members this node knows (itself included if it is one).
    pub fn len(&self) -> u32 {
        self.size.saturating_sub(self.gone.len() as u32).saturating_add(self.joined.len() as u32)
    }

    /// Whether it knows no member at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.size).filter(|n| self.gone.binary_search(n).is_err()).chain(self.joined.iter().copied())
    }

    /// Appends to `out` up to `k` distinct members other than `me`, drawn uniformly without
    /// replacement (in the order drawn). When at most `k` others are known it takes them all.
    pub fn sample(&self, rng: &mut SimRng, k: u32, me: NodeId, out: &mut Vec<NodeId>) {
        let start = out.len();
        let others = self.len() - u32::from(self.contains(me));
        if others <= k {
            out.extend(self.iter().filter(|&n| n != me));
            return;
        }
        let total = self.size + self.joined.len() as u32;
        let mut tries = k.saturating_mul(TRIES_PER_PEER).max(64);
        while out.len() - start < k as usize && tries > 0 {
            tries -= 1;
            let i = rng.random_range(0..total);
            let n = if i < self.size { Some(i) } else { self.joined.get((i - self.size) as usize).copied() };
            let Some(n) = n else { continue };
            if n != me && self.contains(n) && !out[start..].contains(&n) {
                out.push(n);
            }
        }
    }
}

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
    fn members_are_the_initial_ones_with_exceptions() {
        let mut m = Members::initial(5);
        assert_eq!(m.len(), 5);
        assert!(m.remove(2) && !m.remove(2) && m.add(9) && !m.add(9) && m.add(2) && m.remove(3));
        assert!(!m.remove(11), "an unknown joiner");
        assert_eq!(m.iter().collect::<Vec<_>>(), [0, 1, 2, 4, 9]);
        assert!(m.contains(9) && !m.contains(3) && !m.contains(10));
    }

    #[test]
    fn a_uniform_sample_is_distinct_known_and_never_me() {
        let mut m = Members::initial(100);
        for n in 10..95 {
            m.remove(n);
        }
        m.add(120);
        let mut r = rng();
        for _ in 0..200 {
            let mut out = vec![];
            m.sample(&mut r, 4, 3, &mut out);
            assert_eq!(out.len(), 4);
            assert!(out.iter().all(|&n| n != 3 && m.contains(n)), "{out:?}");
            let mut d = out.clone();
            d.sort_unstable();
            d.dedup();
            assert_eq!(d.len(), 4, "{out:?}");
        }
        let mut out = vec![];
        Members::initial(3).sample(&mut r, 4, 1, &mut out);
        assert_eq!(out, [0, 2], "fewer others than wanted: all of them");
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
