//! A node's hot rumors and when it loses interest in them (Demers et al. 1987, §1.4).
//!
//! Each hot rumor carries its own counter (the paper's "extra state for elements on the infective
//! lists"). One *unnecessary contact* for a rumor — with feedback, a partner that already knew
//! it; blind, any contact that carried it — is one [`HotList::strike`]: with a counter, the
//! counter grows by one and the rumor is dropped when it reaches k; with a coin, the rumor is
//! dropped with probability 1/k. A necessary contact (the partner did not know the rumor) is a
//! [`HotList::spared`]: with `counter_reset` (the default) it sets the counter back to zero, so
//! that a node loses interest after k unnecessary contacts *in a row*; without, the counter is
//! never reset and the node loses interest after k unnecessary contacts in all. The paper's text
//! (§1.4, "counter vs. coin") says only "lose interest only after k unnecessary contacts"; its
//! Table 1 is reproduced by the resetting counter, not by the other (docs/protocols/rumor.md).

use super::config::Removal;
use crate::protocol::MsgId;
use crate::protocols::anti_entropy::store::Held;
use crate::rng::SimRng;
use rand::Rng;

/// A rumor this node is spreading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hot {
    /// The rumor.
    pub msg: Held,
    /// Unnecessary contacts so far (counter mode).
    pub strikes: u32,
    /// The period in which this node learned it.
    pub since: u64,
}

/// The hot rumors of one node, in the order it learned them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HotList {
    hot: Vec<Hot>,
}

impl HotList {
    /// Starts spreading `msg`, learned in period `since`, with no strikes.
    pub fn add(&mut self, msg: Held, since: u64) {
        if !self.contains(msg.id) {
            self.hot.push(Hot { msg, strikes: 0, since });
        }
    }

    /// Whether `id` is hot here since period `cycle`: learned in that very period.
    pub fn learned_in(&self, id: MsgId, cycle: u64) -> bool {
        self.hot.iter().any(|h| h.msg.id == id && h.since == cycle)
    }

    /// Whether `id` is hot here.
    pub fn contains(&self, id: MsgId) -> bool {
        self.hot.iter().any(|h| h.msg.id == id)
    }

    /// The hot rumors.
    pub fn iter(&self) -> impl Iterator<Item = &Hot> {
        self.hot.iter()
    }

    /// The hot rumors' messages.
    pub fn messages(&self) -> Vec<Held> {
        self.hot.iter().map(|h| h.msg).collect()
    }

    /// How many rumors are hot.
    pub fn len(&self) -> usize {
        self.hot.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.hot.is_empty()
    }

    /// The unnecessary contact count of `id`, if hot.
    pub fn strikes(&self, id: MsgId) -> Option<u32> {
        self.hot.iter().find(|h| h.msg.id == id).map(|h| h.strikes)
    }

    /// One unnecessary contact for `id`: the counter grows (dropped at `k`) or the coin is tossed
    /// (dropped with odds 1/`k`). Nothing if `id` is not hot. True if it was dropped.
    pub fn strike(&mut self, id: MsgId, removal: Removal, k: u32, rng: &mut SimRng) -> bool {
        let Some(i) = self.hot.iter().position(|h| h.msg.id == id) else {
            return false;
        };
        let drop = match removal {
            Removal::Counter => self.hot.get_mut(i).is_some_and(|h| {
                h.strikes = h.strikes.saturating_add(1);
                h.strikes >= k
            }),
            Removal::Coin => rng.random_range(0..k.max(1)) == 0,
        };
        if drop {
            self.hot.remove(i);
        }
        drop
    }

    /// One necessary contact for `id` (the partner did not know it): with `reset`, the counter
    /// starts again from zero.
    pub fn spared(&mut self, id: MsgId, reset: bool) {
        if let (true, Some(h)) = (reset, self.hot.iter_mut().find(|h| h.msg.id == id)) {
            h.strikes = 0;
        }
    }

    /// Bytes its state takes beyond the struct.
    pub fn heap_bytes(&self) -> usize {
        self.hot.capacity() * std::mem::size_of::<Hot>()
    }
}
