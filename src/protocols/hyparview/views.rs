//! A node's two partial views (Leitão et al. 2007, §4.1): the small active view, whose peers
//! the node keeps links to and gossips over, and the larger passive view, a reserve of peers it
//! knows of to replace failed active ones. Both are short lists in insertion order, so that
//! every random pick is a draw from the node's own stream over a deterministic order.

use crate::protocol::NodeId;
use rand::Rng;

/// The active and passive views of one node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Views {
    active: Vec<NodeId>,
    passive: Vec<NodeId>,
    passive_capacity: usize,
}

impl Views {
    /// Empty views whose passive view holds at most `passive_capacity` peers.
    pub fn new(passive_capacity: u32) -> Views {
        Views { active: Vec::new(), passive: Vec::new(), passive_capacity: passive_capacity as usize }
    }

    /// The active view, in the order its peers came in.
    pub fn active(&self) -> &[NodeId] {
        &self.active
    }

    /// The passive view, in the order its peers came in.
    pub fn passive(&self) -> &[NodeId] {
        &self.passive
    }

    /// Whether `n` is in the active view.
    pub fn is_active(&self, n: NodeId) -> bool {
        self.active.contains(&n)
    }

    /// Whether `n` is in the passive view.
    pub fn is_passive(&self, n: NodeId) -> bool {
        self.passive.contains(&n)
    }

    /// Puts `n` in the active view (the caller has made room), taking it out of the passive one.
    pub fn push_active(&mut self, n: NodeId) {
        self.remove_passive(n);
        if !self.active.contains(&n) {
            self.active.push(n);
        }
    }

    /// Takes `n` out of the active view; whether it was there.
    pub fn remove_active(&mut self, n: NodeId) -> bool {
        remove(&mut self.active, n)
    }

    /// Takes `n` out of the passive view; whether it was there.
    pub fn remove_passive(&mut self, n: NodeId) -> bool {
        remove(&mut self.passive, n)
    }

    /// Puts `n` in the passive view unless it is `me` or already in a view (§4.2
    /// addNodePassiveView). A full view first drops one of `evict_first` it holds (§4.4: the
    /// entries sent away in a shuffle), else one at random.
    pub fn add_passive(&mut self, me: NodeId, n: NodeId, evict_first: &[NodeId], rng: &mut impl Rng) {
        if n == me || self.is_active(n) || self.is_passive(n) || self.passive_capacity == 0 {
            return;
        }
        if self.passive.len() >= self.passive_capacity {
            let sent = self.passive.iter().position(|p| evict_first.contains(p));
            let i = sent.unwrap_or_else(|| rng.random_range(0..self.passive.len()));
            self.passive.remove(i);
        }
        self.passive.push(n);
    }

    /// A random active peer other than those in `except`.
    pub fn random_active(&self, except: &[NodeId], rng: &mut impl Rng) -> Option<NodeId> {
        pick(&self.active, except, rng)
    }

    /// A random passive peer other than those in `except`.
    pub fn random_passive(&self, except: &[NodeId], rng: &mut impl Rng) -> Option<NodeId> {
        pick(&self.passive, except, rng)
    }

    /// Up to `k` distinct active peers other than `except`, drawn at random.
    pub fn sample_active(&self, k: u32, except: NodeId, rng: &mut impl Rng) -> Vec<NodeId> {
        sample(self.active.iter().copied().filter(|&n| n != except).collect(), k, rng)
    }

    /// Up to `k` distinct passive peers, drawn at random.
    pub fn sample_passive(&self, k: u32, rng: &mut impl Rng) -> Vec<NodeId> {
        sample(self.passive.clone(), k, rng)
    }

    /// Bytes the views hold beyond the struct.
    pub fn heap_bytes(&self) -> usize {
        (self.active.capacity() + self.passive.capacity()) * std::mem::size_of::<NodeId>()
    }
}

fn remove(list: &mut Vec<NodeId>, n: NodeId) -> bool {
    match list.iter().position(|&x| x == n) {
        Some(i) => {
            list.remove(i);
            true
        }
        None => false,
    }
}

/// A uniform pick from `list` leaving out `except`.
fn pick(list: &[NodeId], except: &[NodeId], rng: &mut impl Rng) -> Option<NodeId> {
    let count = list.iter().filter(|n| !except.contains(n)).count();
    if count == 0 {
        return None;
    }
    let k = rng.random_range(0..count);
    list.iter().copied().filter(|n| !except.contains(n)).nth(k)
}

/// Up to `k` entries of `list` drawn without replacement (a partial Fisher-Yates shuffle).
fn sample(mut list: Vec<NodeId>, k: u32, rng: &mut impl Rng) -> Vec<NodeId> {
    let k = (k as usize).min(list.len());
    for i in 0..k {
        let j = rng.random_range(i..list.len());
        list.swap(i, j);
    }
    list.truncate(k);
    list
}
