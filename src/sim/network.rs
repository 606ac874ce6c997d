//! The network model: latency from distance plus jitter, independent loss, and a finite uplink
//! per node through which a node's packets leave one after another.
//!
//! A send is resolved the moment it is made: the packet leaves when the sender's uplink is free
//! and has pushed its bytes (`bytes / rate`), then travels for the latency. So a sender that
//! unicasts one message to n members needs n transmission times before the last copy leaves:
//! the O(n) of the centralized approach, made visible.

use super::rng::{self, probability_threshold, SimRng, Stream};
use super::time::{SimDuration, SimTime};
use crate::scenario::NetworkSpec;
use rand::{Rng, RngCore};

/// When a packet leaves and arrives, and whether it is lost on the way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transmission {
    /// When the last bit left the sender's uplink.
    pub depart: SimTime,
    /// When it reaches the receiver (had it not been lost).
    pub arrive: SimTime,
    /// Whether the network dropped it.
    pub lost: bool,
}

/// Latency, loss and uplink state for the whole group.
pub struct Network {
    positions: Vec<[f64; 2]>,
    base_us: f64,
    per_unit_us: f64,
    jitter_us: u64,
    loss_threshold: u64,
    uplink_rate: u64,
    uplink_free_at: Vec<SimTime>,
    rng: SimRng,
}

impl Network {
    /// A network over nodes at `positions`, with randomness from `seed`'s network stream.
    pub fn new(spec: &NetworkSpec, positions: Vec<[f64; 2]>, seed: u64) -> Self {
        let n = positions.len();
        Network {
            positions,
            base_us: spec.latency_ms * 1000.0,
            per_unit_us: spec.distance_ms * 1000.0,
            jitter_us: SimDuration::from_ms_f64(spec.jitter_ms).0,
            loss_threshold: probability_threshold(spec.loss),
            uplink_rate: spec.uplink_bytes_per_sec,
            uplink_free_at: vec![SimTime::ZERO; n],
            rng: rng::stream(seed, Stream::Network),
        }
    }

    /// Node positions in the unit square.
    pub fn positions(&self) -> &[[f64; 2]] {
        &self.positions
    }

    /// The propagation latency from `a` to `b`, without jitter.
    pub fn base_latency(&self, a: u32, b: u32) -> SimDuration {
        let [ax, ay] = self.positions[a as usize];
        let [bx, by] = self.positions[b as usize];
        let d = ((ax - bx) * (ax - bx) + (ay - by) * (ay - by)).sqrt();
        SimDuration((self.base_us + d * self.per_unit_us).round() as u64)
    }

    /// How long `bytes` bytes occupy an uplink.
    pub fn transmission_time(&self, bytes: u32) -> SimDuration {
        if self.uplink_rate == 0 {
            return SimDuration::ZERO;
        }
        SimDuration((u64::from(bytes) * 1_000_000).div_ceil(self.uplink_rate))
    }

    /// Sends `bytes` bytes from `from` to `to` at `now`: queues it on the uplink, draws loss and
    /// jitter from the network stream, and says when it leaves and arrives.
    pub fn transmit(&mut self, now: SimTime, from: u32, to: u32, bytes: u32) -> Transmission {
        let free = &mut self.uplink_free_at[from as usize];
        let start = (*free).max(now);
        let depart = start + self.transmission_time(bytes);
        self.uplink_free_at[from as usize] = depart;
        let lost = self.loss_threshold != 0 && self.rng.next_u64() < self.loss_threshold;
        let jitter = if self.jitter_us == 0 { 0 } else { self.rng.random_range(0..=self.jitter_us) };
        let arrive = depart + self.base_latency(from, to) + SimDuration(jitter);
        Transmission { depart, arrive, lost }
    }

    /// Empties `node`'s uplink at `now` (its node crashed: what was queued never leaves), so that
    /// after a recovery its packets do not wait behind the dead ones.
    pub fn clear_uplink(&mut self, node: u32, now: SimTime) {
        let free = &mut self.uplink_free_at[node as usize];
        *free = (*free).min(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(loss: f64, rate: u64) -> Network {
        let spec = NetworkSpec { latency_ms: 1.0, distance_ms: 10.0, jitter_ms: 0.0, loss, uplink_bytes_per_sec: rate };
        Network::new(&spec, vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], 5)
    }

    #[test]
    fn latency_grows_with_distance() {
        let n = net(0.0, 0);
        assert_eq!(n.base_latency(0, 1), SimDuration(11_000));
        assert_eq!(n.base_latency(1, 2), SimDuration((1000.0 + 2f64.sqrt() * 10_000.0) as u64));
    }

    #[test]
    fn uplink_serialises_back_to_back_sends() {
        let mut n = net(0.0, 1_000_000); // 1 byte per microsecond
        let a = n.transmit(SimTime(0), 0, 1, 1000);
        let b = n.transmit(SimTime(0), 0, 2, 1000);
        let c = n.transmit(SimTime(5000), 0, 1, 1000);
        assert_eq!((a.depart, b.depart, c.depart), (SimTime(1000), SimTime(2000), SimTime(6000)));
        assert_eq!(a.arrive, SimTime(12_000));
        // Another node's uplink is independent.
        assert_eq!(n.transmit(SimTime(0), 1, 0, 1000).depart, SimTime(1000));
    }

    #[test]
    fn loss_rate_matches_its_setting() {
        let mut n = net(0.3, 0);
        let lost = (0..100_000).filter(|_| n.transmit(SimTime(0), 0, 1, 10).lost).count();
        // Binomial(100000, 0.3): sd ≈ 145; 5 sd either side.
        assert!((29_275..=30_725).contains(&lost), "lost {lost}");
    }
}
