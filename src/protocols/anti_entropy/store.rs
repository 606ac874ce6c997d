//! The messages one node holds, and the summaries of them that travel on the wire.
//!
//! A [`Store`] keeps each message a node holds with its payload size, in id order, so that it can
//! send any of them again (anti-entropy compares whole databases, Demers et al. 1987 §1.3). An
//! [`IdSet`] is a set of message ids as sorted ranges of consecutive ids: a node's digest (what
//! it holds) and a request (what it lacks). On the wire a range costs [`RANGE_BYTES`] (its first
//! and last id, 4 bytes each), so a digest grows with the gaps in what a node holds: a node that
//! holds messages 0..1000 without a gap sends one range, one that holds every other message sends
//! 500.

use crate::protocol::MsgId;

/// Bytes one range of consecutive ids costs on the wire: its first and last id.
pub const RANGE_BYTES: u32 = 8;

/// A set of message ids as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdSet {
    ranges: Vec<(u32, u32)>,
}

impl IdSet {
    /// The empty set.
    pub const fn new() -> IdSet {
        IdSet { ranges: Vec::new() }
    }

    /// The set of `ids`, which must come in ascending order (others are skipped).
    pub fn from_sorted(ids: impl IntoIterator<Item = MsgId>) -> IdSet {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for MsgId(id) in ids {
            match ranges.last_mut() {
                Some((_, last)) if id <= *last => {}
                Some((_, last)) if id == *last + 1 => *last = id,
                _ => ranges.push((id, id)),
            }
        }
        IdSet { ranges }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, MsgId(id): MsgId) -> bool {
        let i = self.ranges.partition_point(|&(_, last)| last < id);
        self.ranges.get(i).is_some_and(|&(first, _)| first <= id)
    }

    /// How many ranges the set takes.
    pub fn ranges(&self) -> usize {
        self.ranges.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Its ids in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = MsgId> + '_ {
        self.ranges.iter().flat_map(|&(first, last)| (first..=last).map(MsgId))
    }

    /// Its size on the wire: [`RANGE_BYTES`] per range.
    pub fn bytes(&self) -> u32 {
        RANGE_BYTES.saturating_mul(self.ranges.len().min(u32::MAX as usize) as u32)
    }
}

/// A message a node holds, with its payload size (what a copy of it costs on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Held {
    /// The message.
    pub id: MsgId,
    /// Its payload size (bytes).
    pub bytes: u32,
}

/// The messages one node holds, in id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Store {
    held: Vec<Held>,
}

impl Store {
    /// An empty store.
    pub const fn new() -> Store {
        Store { held: Vec::new() }
    }

    /// Adds `msg`; true if it was new.
    pub fn insert(&mut self, msg: Held) -> bool {
        match self.held.binary_search_by_key(&msg.id, |h| h.id) {
            Ok(_) => false,
            Err(i) => {
                self.held.insert(i, msg);
                true
            }
        }
    }

    /// Whether the store holds `id`.
    pub fn contains(&self, id: MsgId) -> bool {
        self.held.binary_search_by_key(&id, |h| h.id).is_ok()
    }

    /// The message `id`, if held.
    pub fn get(&self, id: MsgId) -> Option<Held> {
        let i = self.held.binary_search_by_key(&id, |h| h.id).ok()?;
        self.held.get(i).copied()
    }

    /// How many messages it holds.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The digest: the ids it holds.
    pub fn digest(&self) -> IdSet {
        IdSet::from_sorted(self.held.iter().map(|h| h.id))
    }

    /// The messages it holds that `other` (a peer's digest) lacks, in id order.
    pub fn missing_from(&self, other: &IdSet) -> Vec<Held> {
        self.held.iter().filter(|h| !other.contains(h.id)).copied().collect()
    }

    /// The ids of `other` (a peer's digest) that it lacks.
    pub fn lacking(&self, other: &IdSet) -> IdSet {
        IdSet::from_sorted(other.iter().filter(|&id| !self.contains(id)))
    }

    /// Bytes its state takes beyond the struct.
    pub fn heap_bytes(&self) -> usize {
        self.held.capacity() * std::mem::size_of::<Held>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> IdSet {
        IdSet::from_sorted(v.iter().map(|&i| MsgId(i)))
    }

    #[test]
    fn ranges_merge_consecutive_ids_and_cost_eight_bytes_each() {
        let s = ids(&[0, 1, 2, 5, 7, 8]);
        assert_eq!(s.ranges(), 3);
        assert_eq!(s.bytes(), 24);
        assert!(s.contains(MsgId(1)) && s.contains(MsgId(5)) && s.contains(MsgId(8)));
        assert!(!s.contains(MsgId(3)) && !s.contains(MsgId(6)) && !s.contains(MsgId(9)));
        assert_eq!(s.iter().map(|m| m.0).collect::<Vec<_>>(), vec![0, 1, 2, 5, 7, 8]);
        assert_eq!(IdSet::new().bytes(), 0);
    }

    #[test]
    fn a_store_sends_exactly_what_the_peer_lacks() {
        let mut store = Store::new();
        for id in [4, 0, 2, 3] {
            assert!(store.insert(Held { id: MsgId(id), bytes: 100 + id }));
        }
        assert!(!store.insert(Held { id: MsgId(2), bytes: 1 }));
        assert_eq!(store.digest(), ids(&[0, 2, 3, 4]));
        let peer = ids(&[0, 1, 3]);
        let missing: Vec<u32> = store.missing_from(&peer).iter().map(|h| h.id.0).collect();
        assert_eq!(missing, vec![2, 4]);
        assert_eq!(store.lacking(&peer), ids(&[1]));
        assert_eq!(store.get(MsgId(4)), Some(Held { id: MsgId(4), bytes: 104 }));
    }
}
