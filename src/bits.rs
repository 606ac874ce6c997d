//! A set of small integers (message ids, sequence numbers) whose first 64 live inline.
//!
//! Protocols keep one per node, and a node is touched once per packet it receives: with the first
//! word inline, checking "have I got message 3?" costs one cache line (the node's own) instead of
//! two (the node and a heap block), which at 100,000 nodes is most of a receiver's cost.

/// A growable bit set with its first 64 bits stored inline: 16 bytes, the rest behind one
/// pointer, made on first need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InlineBits {
    lo: u64,
    /// Words for 64 and up. Boxed on purpose: 8 bytes inline instead of a `Vec`'s 24 keeps a
    /// protocol's per-node struct within one cache line; only sets past 63 pay the indirection.
    #[allow(clippy::box_collection)]
    hi: Option<Box<Vec<u64>>>,
}

impl InlineBits {
    /// An empty set.
    pub const fn new() -> Self {
        InlineBits { lo: 0, hi: None }
    }

    /// Whether `i` is in the set.
    #[inline]
    pub fn contains(&self, i: u32) -> bool {
        if i < 64 {
            return self.lo >> i & 1 == 1;
        }
        let w = (i / 64 - 1) as usize;
        self.hi.as_deref().and_then(|hi| hi.get(w)).is_some_and(|x| x >> (i % 64) & 1 == 1)
    }

    /// Adds `i`; returns true if it was not there before.
    #[inline]
    pub fn insert(&mut self, i: u32) -> bool {
        let (word, bit) = if i < 64 {
            (&mut self.lo, i)
        } else {
            let w = (i / 64 - 1) as usize;
            let hi = self.hi.get_or_insert_with(Box::default);
            if hi.len() <= w {
                hi.resize(w + 1, 0);
            }
            (&mut hi[w], i % 64)
        };
        let fresh = *word >> bit & 1 == 0;
        *word |= 1 << bit;
        fresh
    }

    /// How many integers are in the set.
    pub fn len(&self) -> u32 {
        self.lo.count_ones() + self.hi.iter().flat_map(|hi| hi.iter()).map(|w| w.count_ones()).sum::<u32>()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_spilled_bits_behave_alike() {
        let mut s = InlineBits::new();
        for i in [0u32, 1, 63, 64, 65, 127, 128, 1000] {
            assert!(!s.contains(i));
            assert!(s.insert(i), "{i} is new");
            assert!(!s.insert(i), "{i} is not new twice");
            assert!(s.contains(i));
        }
        assert_eq!(s.len(), 8);
        assert!(!s.contains(2) && !s.contains(999) && !s.contains(5000));
    }
}
