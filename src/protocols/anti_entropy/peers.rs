//! The membership an epidemic node picks its partners from, and the uniform pick.
//!
//! A node knows the initial members `0..size` from its configuration ([`GroupInfo`]); it forgets
//! those it learns are gone (a LEAVE packet, or the membership service's notice) and adds the
//! joiners it learns of (a packet from them, or a notice). Demers et al. (1987, §1) pick the
//! partner uniformly from all sites; so does [`Peers::pick`], from the members this node knows.
//!
//! The state stays small whatever the group: two sorted lists of the exceptions (members gone,
//! joiners known), never a bit per member.

use crate::protocol::{GroupInfo, MemberChange, NodeId};
use crate::rng::SimRng;
use rand::Rng;

/// The members one node knows, as the initial members with exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Peers {
    me: NodeId,
    size: u32,
    /// Initial members known to be gone, ascending.
    gone: Vec<NodeId>,
    /// Nodes beyond the initial members known to be members, ascending.
    joined: Vec<NodeId>,
}

impl Peers {
    /// What node `me` knows at first: the initial members of `group`.
    pub fn new(me: NodeId, group: &GroupInfo) -> Peers {
        Peers { me, size: group.size, gone: Vec::new(), joined: Vec::new() }
    }

    /// Whether `n` is a member this node knows (itself excluded).
    pub fn knows(&self, n: NodeId) -> bool {
        n != self.me
            && if n < self.size { self.gone.binary_search(&n).is_err() } else { self.joined.binary_search(&n).is_ok() }
    }

    /// `n` is a member (a packet came from it, or a notice said it joined or recovered).
    pub fn add(&mut self, n: NodeId) {
        if n == self.me {
            return;
        }
        if n < self.size {
            if let Ok(i) = self.gone.binary_search(&n) {
                self.gone.remove(i);
            }
        } else if let Err(i) = self.joined.binary_search(&n) {
            self.joined.insert(i, n);
        }
    }

    /// `n` is gone (it said goodbye, or a notice said it left or crashed).
    pub fn remove(&mut self, n: NodeId) {
        if n < self.size {
            if let Err(i) = self.gone.binary_search(&n) {
                self.gone.insert(i, n);
            }
        } else if let Ok(i) = self.joined.binary_search(&n) {
            self.joined.remove(i);
        }
    }

    /// Applies a membership service's notice.
    pub fn apply(&mut self, change: MemberChange) {
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) => self.add(n),
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.remove(n),
        }
    }

    /// How many members this node knows, itself excluded.
    pub fn len(&self) -> u32 {
        let initial = self.size - self.gone.len() as u32 - u32::from(self.me < self.size && !self.is_gone(self.me));
        initial + self.joined.len() as u32
    }

    /// Whether this node knows no other member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn is_gone(&self, n: NodeId) -> bool {
        self.gone.binary_search(&n).is_ok()
    }

    /// A member drawn uniformly from those this node knows (itself excluded); `None` if it knows
    /// none.
    pub fn pick(&self, rng: &mut SimRng) -> Option<NodeId> {
        let len = self.len();
        if len == 0 {
            return None;
        }
        self.nth(rng.random_range(0..len))
    }

    /// The `i`-th member this node knows, in id order (itself excluded).
    fn nth(&self, i: u32) -> Option<NodeId> {
        let me_counted = self.me < self.size && !self.is_gone(self.me);
        let initial = self.size - self.gone.len() as u32 - u32::from(me_counted);
        if i >= initial {
            return self.joined.get((i - initial) as usize).copied();
        }
        // Among the initial members still here, this node sits at `at`: skip it.
        let at = self.me - self.gone.partition_point(|&g| g < self.me) as u32;
        let mut n = if me_counted && i >= at { i + 1 } else { i };
        // Then skip the gone ones, which are sorted.
        for &g in &self.gone {
            if g <= n {
                n += 1;
            } else {
                break;
            }
        }
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};

    #[test]
    fn the_pick_skips_this_node_and_the_gone_and_reaches_joiners() {
        let mut p = Peers::new(2, &GroupInfo::of_size(6));
        assert_eq!(p.len(), 5);
        p.remove(0);
        p.remove(4);
        p.add(9);
        assert_eq!(p.len(), 4);
        let all: Vec<_> = (0..4).map(|i| p.nth(i)).collect();
        assert_eq!(all, vec![Some(1), Some(3), Some(5), Some(9)]);
        assert!(p.knows(9) && p.knows(5) && !p.knows(4) && !p.knows(2));
        p.apply(MemberChange::Recovered(4));
        assert_eq!((0..5).map(|i| p.nth(i).unwrap_or(99)).collect::<Vec<_>>(), vec![1, 3, 4, 5, 9]);
        let mut rng = stream(7, Stream::Node(2));
        let mut seen = [0u32; 10];
        for _ in 0..1000 {
            let n = p.pick(&mut rng).unwrap_or(99) as usize;
            seen[n.min(9)] += 1;
        }
        assert_eq!(seen[0] + seen[2], 0);
        assert!([1, 3, 4, 5, 9].iter().all(|&n| seen[n] > 150), "{seen:?}");
    }

    #[test]
    fn a_lone_node_picks_nobody() {
        let p = Peers::new(0, &GroupInfo::of_size(1));
        assert!(p.is_empty());
        assert_eq!(p.pick(&mut stream(1, Stream::Node(0))), None);
    }
}
