//! A set of node ids as a bitmap: a member list, the members still owed a message.

use crate::protocol::NodeId;

/// A set of node ids, one bit each, iterated in ascending id order (so that what a protocol
/// does for each member happens in the same order on every run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    words: Vec<u64>,
    len: u32,
}

impl NodeSet {
    /// An empty set.
    pub const fn new() -> NodeSet {
        NodeSet { words: Vec::new(), len: 0 }
    }

    /// The nodes `0..n`.
    pub fn first(n: u32) -> NodeSet {
        let mut words = vec![u64::MAX; (n as usize).div_ceil(64)];
        if let (true, Some(last)) = (!n.is_multiple_of(64), words.last_mut()) {
            *last = (1u64 << (n % 64)) - 1;
        }
        NodeSet { words, len: n }
    }

    /// Whether `n` is in the set.
    #[inline]
    pub fn contains(&self, n: NodeId) -> bool {
        self.words.get((n / 64) as usize).is_some_and(|w| w >> (n % 64) & 1 == 1)
    }

    /// Adds `n`; true if it was not there.
    pub fn insert(&mut self, n: NodeId) -> bool {
        let w = (n / 64) as usize;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        let fresh = self.words[w] >> (n % 64) & 1 == 0;
        self.words[w] |= 1 << (n % 64);
        self.len += u32::from(fresh);
        fresh
    }

    /// Removes `n`; true if it was there.
    pub fn remove(&mut self, n: NodeId) -> bool {
        let Some(w) = self.words.get_mut((n / 64) as usize) else { return false };
        let present = *w >> (n % 64) & 1 == 1;
        *w &= !(1 << (n % 64));
        self.len -= u32::from(present);
        present
    }

    /// Adds or removes `n`.
    pub fn set(&mut self, n: NodeId, on: bool) {
        if on {
            self.insert(n);
        } else {
            self.remove(n);
        }
    }

    /// How many nodes are in the set.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.words.clear();
        self.len = 0;
    }

    /// The nodes in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let n = w as u32 * 64 + bits.trailing_zeros();
                    bits &= bits - 1;
                    n
                })
            })
        })
    }
}

impl FromIterator<NodeId> for NodeSet {
    fn from_iter<I: IntoIterator<Item = NodeId>>(iter: I) -> NodeSet {
        let mut set = NodeSet::new();
        for n in iter {
            set.insert(n);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove_and_count() {
        let mut s = NodeSet::new();
        assert!(s.insert(3) && s.insert(64) && s.insert(200));
        assert!(!s.insert(64), "64 twice");
        assert_eq!((s.len(), s.iter().collect::<Vec<_>>()), (3, vec![3, 64, 200]));
        assert!(s.remove(64) && !s.remove(64) && !s.remove(5000));
        assert_eq!((s.len(), s.contains(3), s.contains(64), s.contains(9999)), (2, true, false, false));
        s.clear();
        assert!(s.is_empty() && s.iter().next().is_none());
    }

    #[test]
    fn the_first_n_nodes() {
        for n in [0u32, 1, 63, 64, 65, 130] {
            let s = NodeSet::first(n);
            assert_eq!(s.len(), n);
            assert_eq!(s.iter().collect::<Vec<_>>(), (0..n).collect::<Vec<_>>(), "n = {n}");
            assert!(!s.contains(n));
        }
    }
}
