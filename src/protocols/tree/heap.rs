//! The k-ary heap layout: every node's place computed from the configuration alone.
//!
//! The ranks `(id − root) mod n` number the nodes from the root, so rank r's parent is
//! ⌊(r − 1) / k⌋ and its children k·r + 1 … k·r + k: the tree is complete and its depth minimal,
//! ⌈log_k((k − 1)·n + 1)⌉ − 1.

use crate::protocol::NodeId;

/// Node `n`'s rank: its place in the heap, the root's 0.
pub(super) fn rank(n: NodeId, root: NodeId, size: u32) -> u64 {
    (u64::from(n) + u64::from(size) - u64::from(root)) % u64::from(size)
}

/// The node of rank `rank`.
fn node_of(rank: u64, root: NodeId, size: u32) -> NodeId {
    ((rank + u64::from(root)) % u64::from(size)) as NodeId
}

/// Node `n`'s parent in the k-ary heap over `0..size` rooted at `root` (`None` for the root and
/// for ids outside the group).
pub fn heap_parent(n: NodeId, root: NodeId, size: u32, k: u32) -> Option<NodeId> {
    if n >= size || root >= size || k == 0 {
        return None;
    }
    let r = rank(n, root, size);
    (r > 0).then(|| node_of((r - 1) / u64::from(k), root, size))
}

/// Node `n`'s children in the k-ary heap over `0..size` rooted at `root`.
pub fn heap_children(n: NodeId, root: NodeId, size: u32, k: u32) -> Vec<NodeId> {
    if n >= size || root >= size {
        return Vec::new();
    }
    let first = rank(n, root, size) * u64::from(k) + 1;
    (first..first + u64::from(k)).take_while(|&c| c < u64::from(size)).map(|c| node_of(c, root, size)).collect()
}

/// Node `n`'s path to the root in the heap, itself first.
pub fn heap_path(n: NodeId, root: NodeId, size: u32, k: u32) -> Vec<NodeId> {
    let mut path = vec![n];
    let mut at = n;
    while let Some(p) = heap_parent(at, root, size, k) {
        path.push(p);
        at = p;
    }
    path
}

/// The depth of the k-ary heap over `size` nodes: the hops from the root to its deepest node,
/// ⌈log_k((k − 1)·size + 1)⌉ − 1.
pub fn heap_depth(size: u32, k: u32) -> u32 {
    let (mut depth, mut last, k) = (0, u64::from(size.saturating_sub(1)), u64::from(k.max(2)));
    while last > 0 {
        last = (last - 1) / k;
        depth += 1;
    }
    depth
}

/// How many nodes the heap subtree of rank `r` holds.
pub(super) fn subtree_size(r: u64, size: u32, k: u32) -> u32 {
    let (n, k) = (u64::from(size), u64::from(k));
    let (mut lo, mut hi, mut count) = (r, r, 0u64);
    while lo < n {
        count += hi.min(n - 1) - lo + 1;
        lo = lo * k + 1;
        hi = hi * k + k;
    }
    count.min(u64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_layout_is_consistent() {
        for (size, k, root) in [(1u32, 2u32, 0u32), (2, 2, 1), (10, 2, 3), (100, 4, 0), (1000, 3, 999), (17, 16, 5)] {
            let mut seen = vec![0u32; size as usize];
            for n in 0..size {
                let kids = heap_children(n, root, size, k);
                assert!(kids.len() <= k as usize);
                for &c in &kids {
                    assert_eq!(heap_parent(c, root, size, k), Some(n));
                    seen[c as usize] += 1;
                }
                let path = heap_path(n, root, size, k);
                assert_eq!(*path.last().unwrap(), root);
                assert!(path.len() as u32 - 1 <= heap_depth(size, k));
            }
            assert_eq!(seen[root as usize], 0);
            assert!(seen.iter().enumerate().all(|(i, &s)| i as u32 == root || s == 1));
            assert_eq!(subtree_size(0, size, k), size);
        }
        assert_eq!(heap_depth(1, 2), 0);
        assert_eq!(heap_depth(3, 2), 1);
        assert_eq!(heap_depth(4, 2), 2);
        assert_eq!(heap_depth(21, 4), 2);
        assert_eq!(heap_depth(22, 4), 3);
    }
}
