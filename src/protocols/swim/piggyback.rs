//! Infection-style dissemination (§4.1): the updates a member piggybacks on its pings, ping-reqs
//! and acks, each a bounded number of times (λ·ln(n+1), rounded up, for n members), those sent
//! the fewest times first.

use super::wire::Update;

/// The updates waiting to be piggybacked, with how many times each has gone out.
#[derive(Clone, Debug, Default)]
pub struct Piggyback {
    /// (update, times sent, times it may be sent), newest last.
    queue: Vec<(Update, u32, u32)>,
}

impl Piggyback {
    /// How many times an update is piggybacked in a group of `members` other members:
    /// ⌈λ·ln(members + 2)⌉ (the group counts this member too), at least 1.
    pub fn limit(lambda: f64, members: u32) -> u32 {
        let n = f64::from(members) + 2.0;
        ((lambda * n.ln()).ceil() as u32).max(1)
    }

    /// Queues `update` to be sent `limit` times, replacing any update about the same member.
    pub fn push(&mut self, update: Update, limit: u32) {
        self.queue.retain(|q| q.0.node != update.node);
        self.queue.push((update, 0, limit));
    }

    /// Up to `max` updates for one packet, the fewest-sent first (the newest among equals); each
    /// counts one more sending, and one sent its limit is dropped.
    pub fn take(&mut self, max: u32) -> Vec<Update> {
        let mut picks: Vec<usize> = (0..self.queue.len()).collect();
        // Stable: ties keep queue order, reversed so the newest goes first.
        picks.reverse();
        picks.sort_by_key(|&i| self.queue.get(i).map_or(u32::MAX, |q| q.1));
        picks.truncate(max as usize);
        let mut out = Vec::with_capacity(picks.len());
        for &i in &picks {
            if let Some(q) = self.queue.get_mut(i) {
                q.1 += 1;
                out.push(q.0);
            }
        }
        self.queue.retain(|q| q.1 < q.2);
        out
    }

    /// Updates waiting.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// How many times the waiting update about `node` has gone out, if one waits.
    pub fn sent(&self, node: u32) -> Option<u32> {
        self.queue.iter().find(|q| q.0.node == node).map(|q| q.1)
    }
}
