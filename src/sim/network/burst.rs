//! Gilbert–Elliott bursty loss (Gilbert 1960, Elliott 1963): a two-state Markov chain, good and
//! bad, each state with its own loss probability.
//!
//! The chain belongs to the receiving node (bursts on its last mile, as a flaky Wi-Fi link or a
//! congested access line would cause) and is stepped once per packet that reaches that node, so
//! memory is one byte per node and a burst is a run of consecutive packets to one receiver, the
//! unit in which the literature states burst lengths. A chain starts, at its node's first packet,
//! in its stationary distribution (bad with probability p / (p + r)), so the loss rate is the
//! long-run rate from the first packet on, without a warm-up.

use super::{hit, BurstConfig};
use crate::rng::{probability_threshold, SimRng};

const UNSTARTED: u8 = 0;
const GOOD: u8 = 1;
const BAD: u8 = 2;

/// Every receiver's Gilbert–Elliott chain.
#[derive(Clone)]
pub(super) struct Burst {
    to_bad: u64,
    to_good: u64,
    loss_good: u64,
    loss_bad: u64,
    start_bad: u64,
    state: Vec<u8>,
}

impl Burst {
    /// Chains for `n` receivers, all unstarted.
    pub(super) fn new(config: &BurstConfig, n: usize) -> Self {
        Burst {
            to_bad: probability_threshold(config.p_good_to_bad),
            to_good: probability_threshold(config.p_bad_to_good),
            loss_good: probability_threshold(config.loss_good),
            loss_bad: probability_threshold(config.loss_bad),
            start_bad: probability_threshold(config.start_bad),
            state: vec![UNSTARTED; n],
        }
    }

    /// Steps `node`'s chain for one packet and says whether that packet is lost. A node without
    /// a chain (there is one per node the network places) loses it, drawing nothing.
    #[inline]
    pub(super) fn lost(&mut self, node: u32, rng: &mut SimRng) -> bool {
        let Some(s) = self.state.get_mut(node as usize) else { return true };
        let bad = match *s {
            UNSTARTED => hit(rng, self.start_bad),
            GOOD => hit(rng, self.to_bad),
            _ => !hit(rng, self.to_good),
        };
        *s = if bad { BAD } else { GOOD };
        hit(rng, if bad { self.loss_bad } else { self.loss_good })
    }

    /// Whether `node`'s chain is in the bad state (false before its first packet).
    #[cfg(test)]
    pub(super) fn is_bad(&self, node: u32) -> bool {
        self.state.get(node as usize) == Some(&BAD)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};

    /// Pure states (the good one loses nothing, the bad one everything), starting bad with the
    /// chain's stationary probability p / (p + r).
    fn spec(p: f64, r: f64) -> BurstConfig {
        let start_bad = if p + r == 0.0 { 0.0 } else { p / (p + r) };
        BurstConfig { p_good_to_bad: p, p_bad_to_good: r, loss_good: 0.0, loss_bad: 1.0, start_bad }
    }

    #[test]
    fn loss_follows_the_state_exactly_with_pure_states() {
        let mut b = Burst::new(&spec(0.1, 0.4), 3);
        let mut rng = stream(1, Stream::Network);
        for _ in 0..10_000 {
            let lost = b.lost(2, &mut rng);
            assert_eq!(lost, b.is_bad(2));
        }
        // Other receivers' chains never moved.
        assert!(!b.is_bad(0) && b.state[0] == UNSTARTED);
    }

    #[test]
    fn a_chain_that_never_moves_stays_good() {
        let mut b = Burst::new(&spec(0.0, 0.0), 1);
        let mut rng = stream(2, Stream::Network);
        assert!((0..1000).all(|_| !b.lost(0, &mut rng)));
    }

    #[test]
    fn an_absorbing_bad_state_loses_everything_after_entry() {
        let mut b = Burst::new(&spec(1.0, 0.0), 1);
        let mut rng = stream(3, Stream::Network);
        // Stationary: p / (p + r) = 1, so even the first packet finds it bad.
        assert!((0..1000).all(|_| b.lost(0, &mut rng)));
    }
}
