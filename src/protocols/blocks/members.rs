//! The membership a node knows, and the uniform choice of peers from it: the part of every
//! epidemic protocol that answers "whom do I gossip with?" when partners are drawn from the whole
//! group (gossip, anti-entropy, rumor mongering, pbcast).
//!
//! The epidemic analyses (Demers et al. 1987, §1; Pittel 1987; Birman et al. 1999, §3; Karp et
//! al. 2000) let each node call partners drawn uniformly from the whole group. A node knows the
//! initial members `0..size` from its configuration ([`crate::protocol::GroupInfo`]); what it
//! learns since (from packets, LEAVEs or the membership service's notices) is kept as
//! exceptions: the initial members it knows are gone (left or crashed), and the joiners (ids
//! `size..`) it knows of, two sorted lists behind one pointer made on first need. So a node of a
//! group of 10^6 that learned nothing holds 16 bytes, not a 125 kB bitmap.
//!
//! **Sampling** ([`Members::sample`]). When at most `k` others are known it takes them all, in id
//! order, without a draw. Otherwise it draws ids uniformly from the known universe (`0..size`
//! and the joiners) and rejects this node, the gone and those already taken, for at most
//! `max(32 k, 64)` draws; if that leaves it short (when few known ids are eligible: most are
//! gone, or `k` is close to the number of others; with one id in two eligible, a single peer
//! misses all 64 draws with probability 2^-64), it lists the eligible members and completes the
//! choice from the list. Either way each peer taken is
//! uniform over the members not yet taken (a rejected uniform draw is uniform on what it
//! accepts), so the result is a uniform ordered sample without replacement; the cost is bounded
//! by the draws plus one listing, O(size + joiners), on the rare slow path.

use crate::protocol::{MemberChange, NodeId};
use rand::Rng;

/// Draws per wanted peer before a sample falls back to listing the members.
const DRAWS_PER_PEER: u32 = 32;
/// The fewest draws a sample makes before it falls back to listing.
const MIN_DRAWS: u32 = 64;

/// The membership a node knows: the initial members `0..size`, minus those it learned are gone,
/// plus the joiners it learned of (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    /// The initial members are `0..size`.
    size: u32,
    /// What this node learned beyond them; `None` while it learned nothing (most nodes).
    learned: Option<Box<Exceptions>>,
}

/// What a node learned of the membership beyond its configuration; never both lists empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Exceptions {
    /// Initial members (ids `< size`) known to be gone, ascending.
    gone: Vec<NodeId>,
    /// Joiners (ids `>= size`) known to be members, ascending.
    joined: Vec<NodeId>,
}

impl Members {
    /// The initial members `0..size`, nothing learned yet. Allocates nothing.
    pub const fn initial(size: u32) -> Members {
        Members { size, learned: None }
    }

    /// Initial members known to be gone, ascending.
    fn gone(&self) -> &[NodeId] {
        self.learned.as_deref().map_or(&[], |l| l.gone.as_slice())
    }

    /// Joiners known, ascending.
    fn joined(&self) -> &[NodeId] {
        self.learned.as_deref().map_or(&[], |l| l.joined.as_slice())
    }

    /// The exceptions, made on first need.
    fn learned_mut(&mut self) -> &mut Exceptions {
        self.learned.get_or_insert_with(Box::default)
    }

    /// Frees the exceptions when none is left, so that a node back to its configuration is
    /// small again (and equal to [`Members::initial`]).
    fn tidy(&mut self) {
        if self.learned.as_deref().is_some_and(|l| l.gone.is_empty() && l.joined.is_empty()) {
            self.learned = None;
        }
    }

    /// Whether `n` is a member as far as this node knows.
    pub fn contains(&self, n: NodeId) -> bool {
        if n < self.size {
            self.gone().binary_search(&n).is_err()
        } else {
            self.joined().binary_search(&n).is_ok()
        }
    }

    /// Records that `n` is a member (it joined, came back, or sent a packet); true if new.
    pub fn add(&mut self, n: NodeId) -> bool {
        if self.contains(n) {
            return false;
        }
        let size = self.size;
        let l = self.learned_mut();
        if n < size {
            if let Ok(i) = l.gone.binary_search(&n) {
                l.gone.remove(i);
            }
        } else if let Err(i) = l.joined.binary_search(&n) {
            l.joined.insert(i, n);
        }
        self.tidy();
        true
    }

    /// Records that `n` is gone (it left or crashed); true if it was a member.
    pub fn remove(&mut self, n: NodeId) -> bool {
        if !self.contains(n) {
            return false;
        }
        let size = self.size;
        let l = self.learned_mut();
        if n < size {
            if let Err(i) = l.gone.binary_search(&n) {
                l.gone.insert(i, n);
            }
        } else if let Ok(i) = l.joined.binary_search(&n) {
            l.joined.remove(i);
        }
        self.tidy();
        true
    }

    /// Applies a membership service's notice: joined and recovered nodes (and new overlay
    /// neighbours) are members, left and crashed ones are gone; a link going down or an
    /// unreachable peer changes nothing. True if it changed what this node knows.
    pub fn apply(&mut self, change: MemberChange) -> bool {
        match change {
            MemberChange::Joined(n) | MemberChange::Recovered(n) | MemberChange::NeighborUp(n) => self.add(n),
            MemberChange::Left(n) | MemberChange::Crashed(n) => self.remove(n),
            MemberChange::NeighborDown(_) | MemberChange::Unreachable(_) => false,
        }
    }

    /// How many members this node knows (itself included if it is one).
    pub fn len(&self) -> u32 {
        self.size.saturating_sub(self.gone().len() as u32).saturating_add(self.joined().len() as u32)
    }

    /// Whether it knows no member at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        let mut gone = self.gone().iter().copied().peekable();
        let initial = (0..self.size).filter(move |&n| gone.next_if_eq(&n).is_none());
        initial.chain(self.joined().iter().copied())
    }

    /// The members other than `me`, in ascending order.
    pub fn others(&self, me: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.iter().filter(move |&n| n != me)
    }

    /// One member other than `me`, drawn uniformly; `None` if it knows no other.
    pub fn pick(&self, rng: &mut impl Rng, me: NodeId) -> Option<NodeId> {
        let mut out = Vec::with_capacity(1);
        self.sample(rng, 1, me, &mut out);
        out.pop()
    }

    /// Appends to `out` up to `k` distinct members other than `me`, drawn uniformly without
    /// replacement, in the order drawn; all of them (in id order, no draw) when at most `k`
    /// others are known. Rejection sampling with a bounded fallback to listing (module docs).
    pub fn sample(&self, rng: &mut impl Rng, k: u32, me: NodeId, out: &mut Vec<NodeId>) {
        let others = self.len() - u32::from(self.contains(me));
        if others <= k {
            out.extend(self.others(me));
            return;
        }
        let start = out.len();
        let universe = self.size.saturating_add(self.joined().len() as u32);
        let mut draws = k.saturating_mul(DRAWS_PER_PEER).max(MIN_DRAWS);
        while out.len() - start < k as usize && draws > 0 {
            draws -= 1;
            let i = rng.random_range(0..universe);
            let n = if i < self.size { Some(i) } else { self.joined().get((i - self.size) as usize).copied() };
            let Some(n) = n else { continue };
            if n != me && self.contains(n) && !out[start..].contains(&n) {
                out.push(n);
            }
        }
        if out.len() - start < k as usize {
            self.complete_by_listing(rng, k as usize, me, out, start);
        }
    }

    /// The slow path of [`Members::sample`]: completes `out[start..]` to `k` peers drawn
    /// uniformly from the listed members not yet taken.
    fn complete_by_listing(&self, rng: &mut impl Rng, k: usize, me: NodeId, out: &mut Vec<NodeId>, start: usize) {
        let mut rest: Vec<NodeId> = self.others(me).filter(|n| !out[start..].contains(n)).collect();
        while out.len() - start < k && !rest.is_empty() {
            let i = rng.random_range(0..rest.len());
            out.push(rest.swap_remove(i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, SimRng, Stream};

    fn rng() -> SimRng {
        rng::stream(7, Stream::Node(0))
    }

    /// How often each of `peers` appears in `draws` samples of `k` from `m` by node `me`;
    /// asserts every sample is `k` distinct known members other than `me`.
    fn counts(m: &Members, me: NodeId, k: u32, draws: u32, peers: &[NodeId]) -> Vec<f64> {
        let mut r = rng();
        let mut seen = vec![0.0; peers.len()];
        for _ in 0..draws {
            let mut out = vec![];
            m.sample(&mut r, k, me, &mut out);
            assert_eq!(out.len(), k as usize, "{out:?}");
            let mut distinct = out.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), out.len(), "distinct: {out:?}");
            for n in out {
                let i = peers.iter().position(|&p| p == n).unwrap_or_else(|| panic!("{n} is not eligible"));
                seen[i] += 1.0;
            }
        }
        seen
    }

    /// Pearson's statistic Σ (O − E)² / E of `seen` against `expected` in every cell.
    fn chi_square(seen: &[f64], expected: f64) -> f64 {
        seen.iter().map(|o| (o - expected).powi(2) / expected).sum()
    }

    /// The bound a uniform sampler's statistic stays under. Over `cells` peers, each sample of
    /// `k` takes a given peer with probability p = k / cells, so its count is Binomial(N, p) and
    /// the statistic has mean Σ Var / E = cells (1 − p) < cells and (a chi-square of at most
    /// `cells` degrees of freedom) a standard deviation below √(2 cells). The
    /// bound is the mean plus six standard deviations: a uniform sampler exceeds it for about
    /// one seed in 10^6, while one peer left out adds E = N p alone (hundreds here).
    fn chi_square_bound(cells: usize) -> f64 {
        let df = cells as f64;
        df + 6.0 * (2.0 * df).sqrt()
    }

    #[test]
    fn members_are_the_initial_ones_with_sorted_exceptions() {
        let mut m = Members::initial(5);
        assert_eq!(m.len(), 5);
        assert!(m.remove(2) && !m.remove(2) && m.add(9) && !m.add(9) && m.add(2) && m.remove(3));
        assert!(!m.remove(11), "an unknown joiner");
        assert!(m.add(7) && m.apply(MemberChange::Crashed(4)) && !m.apply(MemberChange::Left(4)));
        assert!(m.apply(MemberChange::Recovered(4)) && m.apply(MemberChange::Joined(6)));
        assert_eq!(m.iter().collect::<Vec<_>>(), [0, 1, 2, 4, 6, 7, 9]);
        assert_eq!(m.others(4).collect::<Vec<_>>(), [0, 1, 2, 6, 7, 9]);
        assert_eq!(m.len(), 7);
        assert!(m.contains(9) && !m.contains(3) && !m.contains(10) && !m.is_empty());
        assert!(Members::initial(0).is_empty());
    }

    #[test]
    fn a_node_of_a_huge_group_stays_small_and_frees_what_it_unlearns() {
        assert_eq!(std::mem::size_of::<Members>(), 16, "a size and one pointer");
        let mut m = Members::initial(1_000_000);
        assert!(m.learned.is_none(), "nothing allocated before something is learned");
        m.remove(17);
        m.add(1_000_003);
        assert_eq!(m.len(), 1_000_000);
        m.add(17);
        m.remove(1_000_003);
        assert_eq!(m, Members::initial(1_000_000), "the exceptions are freed when empty");
    }

    /// The initial members `0..size` less `gone`, plus `joiners`.
    fn members(size: u32, gone: std::ops::Range<NodeId>, joiners: &[NodeId]) -> Members {
        let mut m = Members::initial(size);
        gone.for_each(|n| assert!(m.remove(n)));
        joiners.iter().for_each(|&n| assert!(m.add(n)));
        m
    }

    /// Asserts that `draws` samples of `k` by node `me` are uniform over the others (Pearson's
    /// statistic under [`chi_square_bound`]), and valid (see [`counts`]).
    fn assert_uniform(m: &Members, me: NodeId, k: u32, draws: u32) {
        let peers: Vec<NodeId> = m.others(me).collect();
        let seen = counts(m, me, k, draws, &peers);
        let expected = f64::from(draws * k) / peers.len() as f64;
        let x = chi_square(&seen, expected);
        assert!(x < chi_square_bound(peers.len()), "χ² = {x:.1}: {seen:?}");
    }

    #[test]
    fn a_sample_is_distinct_never_me_never_gone_and_reaches_joiners() {
        let m = members(100, 10..95, &[120]);
        let peers: Vec<NodeId> = m.others(3).collect();
        let seen = counts(&m, 3, 4, 500, &peers);
        assert!(seen.iter().all(|&c| c > 0.0), "every eligible peer drawn, the joiner too: {seen:?}");
    }

    #[test]
    fn with_at_most_k_others_it_takes_them_all_in_order_without_a_draw() {
        let mut r = rng();
        let before = r.clone();
        let mut out = vec![42];
        Members::initial(3).sample(&mut r, 4, 1, &mut out);
        assert_eq!(out, [42, 0, 2], "appended after what `out` held");
        assert_eq!(r, before, "no randomness used");
        assert_eq!(Members::initial(1).pick(&mut r, 0), None, "alone");
        assert_eq!(Members::initial(0).pick(&mut r, 0), None, "nobody");
        assert_eq!(Members::initial(2).pick(&mut r, 0), Some(1));
    }

    /// 19 eligible peers (initial members less two gone and this node, plus two joiners), 4000
    /// samples of 3: each peer's expected count is 4000 · 3 / 19 ≈ 632 (rejection path).
    /// Measured: χ² = 15.1 against the bound 56.
    #[test]
    fn rejection_samples_are_uniform() {
        let mut m = members(20, 3..4, &[25, 30]);
        m.remove(7);
        assert_eq!(m.others(0).count(), 19);
        assert_uniform(&m, 0, 3, 4000);
    }

    /// 10 eligible peers among 10 002 known ids (9991 gone): a draw hits one with probability
    /// 10⁻³, so the 96 draws of a sample of 3 find all three by rejection only with probability
    /// ~C(96, 3)·10⁻⁹ ≈ 10⁻⁴; nearly every sample here is completed by the listing, and must
    /// still be complete and uniform (expected count 3000 · 3 / 10 = 900). Measured: χ² = 6.3
    /// against the bound 36.8.
    #[test]
    fn the_listing_fallback_completes_uniform_samples_when_most_are_gone() {
        let m = members(10_000, 9..10_000, &[10_005, 10_010]);
        assert_eq!(m.others(0).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7, 8, 10_005, 10_010]);
        assert_uniform(&m, 0, 3, 3000);
    }
}
