//! Partitions: during a time window, packets between two sets of nodes are dropped, in both
//! directions or in one.
//!
//! Each side is a sorted list of node ids, so a million-node group pays per packet a binary
//! search per active partition, and nothing at all when it has none.

use super::PartitionConfig;
use crate::time::SimTime;

/// One partition, ready to answer "does it block this packet?".
#[derive(Clone)]
pub(super) struct Partition {
    from: SimTime,
    to: SimTime,
    a: Vec<u32>,
    /// `None`: every node not in `a`.
    b: Option<Vec<u32>>,
    one_way: bool,
}

fn sorted(v: &[u32]) -> Vec<u32> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

impl Partition {
    /// The partition `config` describes.
    pub(super) fn new(config: &PartitionConfig) -> Self {
        Partition {
            from: config.from,
            to: config.to,
            a: sorted(&config.a),
            b: config.b.as_deref().map(sorted),
            one_way: config.one_way,
        }
    }

    fn in_a(&self, node: u32) -> bool {
        self.a.binary_search(&node).is_ok()
    }

    fn in_b(&self, node: u32) -> bool {
        match &self.b {
            Some(b) => b.binary_search(&node).is_ok(),
            None => !self.in_a(node),
        }
    }

    /// Whether a packet leaving `from` for `to` at `t` is dropped.
    #[inline]
    pub(super) fn blocks(&self, t: SimTime, from: u32, to: u32) -> bool {
        if t < self.from || t >= self.to {
            return false;
        }
        (self.in_a(from) && self.in_b(to)) || (!self.one_way && self.in_b(from) && self.in_a(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(a: &[u32], b: Option<&[u32]>, one_way: bool) -> PartitionConfig {
        PartitionConfig { from: SimTime(1000), to: SimTime(2000), a: a.to_vec(), b: b.map(<[u32]>::to_vec), one_way }
    }

    #[test]
    fn window_is_half_open() {
        let p = Partition::new(&spec(&[0], Some(&[1]), false));
        assert!(!p.blocks(SimTime(999), 0, 1));
        assert!(p.blocks(SimTime(1000), 0, 1));
        assert!(p.blocks(SimTime(1999), 1, 0));
        assert!(!p.blocks(SimTime(2000), 0, 1));
    }

    #[test]
    fn missing_b_means_everyone_else() {
        let p = Partition::new(&spec(&[3, 1, 3], None, false));
        let t = SimTime(1500);
        assert!(p.blocks(t, 1, 0) && p.blocks(t, 0, 3) && p.blocks(t, 7, 1));
        // Inside a side, traffic flows.
        assert!(!p.blocks(t, 1, 3) && !p.blocks(t, 0, 7));
    }

    #[test]
    fn one_way_blocks_a_to_b_only() {
        let p = Partition::new(&spec(&[0, 1], Some(&[2]), true));
        let t = SimTime(1000);
        assert!(p.blocks(t, 0, 2) && p.blocks(t, 1, 2));
        assert!(!p.blocks(t, 2, 0) && !p.blocks(t, 2, 1));
    }
}
