//! The membership one node knows, and the uniform choice of gossip peers from it.
//!
//! A member knows the initial members `0..size` from its configuration; it learns of joiners
//! from their packets (any packet from an id it has not heard of) or from the membership
//! service, and of departures from LEAVE packets or the service. The state is the two
//! exceptions only (joiners heard of, members known gone), behind one pointer made on first
//! need, so a node of a group of a million keeps 16 bytes, not a bit per member. Peers are drawn uniformly (Birman et al. 1999, §3)
//! by rejection: an id drawn from the known universe is redrawn if it is this node, a member
//! known gone or one already chosen.

use crate::protocol::NodeId;
use rand::Rng;
use std::collections::BTreeSet;

/// Draws before a choice falls back to listing the members (only when most ids known are gone).
const DRAWS_PER_PEER: usize = 32;

/// The members one node knows of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    /// The initial members are `0..size`.
    size: u32,
    /// What this node learned beyond them, made on first need (most nodes never learn anything).
    learned: Option<Box<Learned>>,
}

/// What a node learned of the membership beyond its configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Learned {
    /// Members beyond the initial ones, in id order.
    joined: Vec<NodeId>,
    /// Members that have left or crashed.
    gone: BTreeSet<NodeId>,
}

impl Members {
    /// The initial members `0..size`.
    pub fn initial(size: u32) -> Members {
        Members { size, learned: None }
    }

    /// Joiners known, in id order.
    fn joined(&self) -> &[NodeId] {
        self.learned.as_deref().map_or(&[], |l| l.joined.as_slice())
    }

    /// Whether `n` is known gone.
    fn is_gone(&self, n: NodeId) -> bool {
        self.learned.as_deref().is_some_and(|l| l.gone.contains(&n))
    }

    /// Whether `n` is a member this node knows and believes present.
    pub fn contains(&self, n: NodeId) -> bool {
        (n < self.size || self.joined().binary_search(&n).is_ok()) && !self.is_gone(n)
    }

    /// Notes member `n` as present (a joiner heard from, or a member back after a crash).
    pub fn add(&mut self, n: NodeId) {
        if let Some(l) = self.learned.as_deref_mut() {
            l.gone.remove(&n);
        }
        if n >= self.size {
            let l = self.learned.get_or_insert_with(Box::default);
            if let Err(at) = l.joined.binary_search(&n) {
                l.joined.insert(at, n);
            }
        }
    }

    /// Notes member `n` as gone.
    pub fn remove(&mut self, n: NodeId) {
        if n < self.size || self.joined().binary_search(&n).is_ok() {
            self.learned.get_or_insert_with(Box::default).gone.insert(n);
        }
    }

    /// Every member this node believes present but `me`, in id order.
    pub fn others(&self, me: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.size).chain(self.joined().iter().copied()).filter(move |&n| n != me && !self.is_gone(n))
    }

    /// How many ids the node knows of, present or gone (the range draws are made from).
    fn universe(&self) -> u64 {
        u64::from(self.size) + self.joined().len() as u64
    }

    /// The id of the `i`-th member known (initial members first, then joiners).
    fn nth(&self, i: u64) -> Option<NodeId> {
        match u32::try_from(i) {
            Ok(i) if i < self.size => Some(i),
            _ => self.joined().get(usize::try_from(i - u64::from(self.size)).ok()?).copied(),
        }
    }

    /// `k` distinct members other than `me`, uniformly at random (all of them if there are no
    /// more than `k`), in the order drawn.
    pub fn pick(&self, me: NodeId, k: u32, rng: &mut impl Rng) -> Vec<NodeId> {
        let k = k as usize;
        let universe = self.universe();
        let mut chosen: Vec<NodeId> = Vec::with_capacity(k);
        if universe == 0 {
            return chosen;
        }
        for _ in 0..DRAWS_PER_PEER.saturating_mul(k) {
            if chosen.len() == k {
                return chosen;
            }
            let Some(n) = self.nth(rng.random_range(0..universe)) else { continue };
            if n != me && !self.is_gone(n) && !chosen.contains(&n) {
                chosen.push(n);
            }
        }
        self.pick_by_listing(me, k, chosen, rng)
    }

    /// The slow path of [`Members::pick`]: completes `chosen` from the listed members.
    fn pick_by_listing(&self, me: NodeId, k: usize, mut chosen: Vec<NodeId>, rng: &mut impl Rng) -> Vec<NodeId> {
        let mut rest: Vec<NodeId> = self.others(me).filter(|n| !chosen.contains(n)).collect();
        while chosen.len() < k && !rest.is_empty() {
            let i = rng.random_range(0..rest.len());
            chosen.push(rest.swap_remove(i));
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, Stream};

    #[test]
    fn joiners_and_departures_change_who_is_known() {
        let mut m = Members::initial(4);
        m.add(9);
        m.add(6);
        m.remove(2);
        m.remove(42); // never known: nothing to forget
        assert_eq!(m.others(0).collect::<Vec<_>>(), vec![1, 3, 6, 9]);
        assert!(!m.contains(2) && m.contains(9) && !m.contains(42));
        m.add(2);
        assert!(m.contains(2));
    }

    #[test]
    fn picks_are_distinct_never_me_never_gone_and_cover_everyone() {
        let mut m = Members::initial(10);
        m.remove(3);
        m.add(12);
        let mut r = rng::stream(7, Stream::Node(0));
        let mut seen = BTreeSet::new();
        for _ in 0..400 {
            let p = m.pick(0, 3, &mut r);
            assert_eq!(p.len(), 3);
            assert!(p.iter().all(|&n| n != 0 && n != 3), "{p:?}");
            assert!(p.iter().collect::<BTreeSet<_>>().len() == 3, "{p:?}");
            seen.extend(p);
        }
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![1, 2, 4, 5, 6, 7, 8, 9, 12]);
    }

    #[test]
    fn a_pick_larger_than_the_group_takes_everyone_even_when_most_are_gone() {
        let mut m = Members::initial(1000);
        (2..999).for_each(|n| m.remove(n));
        let mut r = rng::stream(1, Stream::Node(0));
        let mut p = m.pick(0, 5, &mut r);
        p.sort_unstable();
        assert_eq!(p, vec![1, 999]);
        assert!(Members::initial(1).pick(0, 2, &mut r).is_empty());
        assert!(Members::initial(0).pick(0, 2, &mut r).is_empty());
    }
}
