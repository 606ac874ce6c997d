//! The network model: latency from distance or from regions, plus jitter; loss that is
//! independent, per node, per link or bursty; a finite uplink and downlink per node with
//! drop-tail queues; partitions; and a round-synchronous mode beside the event-driven one.
//!
//! A send is resolved the moment it is made, in this order:
//!
//! 1. **Uplink.** The packet joins the sender's uplink FIFO. If the uplink holds a finite queue
//!    and the bytes not yet transmitted plus this packet would exceed it, the packet is dropped
//!    at once (drop-tail, [`Fate::UplinkFull`]) and costs no bandwidth. Otherwise it leaves when
//!    the uplink is free and has pushed its bytes (`bytes / rate`). So a sender that unicasts one
//!    message to n members needs n transmission times before the last copy leaves: the O(n) of
//!    the centralized approach, made visible; and with a queue of Q bytes, every copy past the
//!    first Q bytes is dropped.
//! 2. **Partitions**, tested at the moment the packet leaves the uplink: a packet leaving during
//!    a partition that separates its ends is dropped ([`Fate::Partitioned`]). A packet that left
//!    before the partition started is already on the wire and arrives.
//! 3. **Loss** ([`Fate::Lost`]), from the first of: the directed link's own rate; the sender's
//!    `send_loss` and the receiver's `recv_loss` (both, if both are set: survival is the product);
//!    the receiver's Gilbert–Elliott chain; the global rate.
//! 4. **Latency**: regions' LAN/WAN table or distance, plus uniform jitter.
//!
//! The **downlink** needs packets in the order they reach the receiver, which is not the order
//! they were sent, so it is resolved later by the kernel: a packet to a node with a finite
//! downlink first reaches the downlink at its arrival time ([`Network::downlink`]), queues there
//! behind earlier arrivals (store-and-forward: `bytes / rate` once it is first in line) and is
//! handed to the node when fully received, or is dropped if the downlink queue is full.
//!
//! In **rounds mode** none of this timing applies: a packet sent during round k (time in
//! `[k R, (k + 1) R)`) arrives at `(k + 1) R`, partitions and loss are tested at the send, and
//! timers fire on the first round boundary at or after their due time ([`Network::timer_due`]).
//!
//! Every draw comes from the network stream, in send order. A scenario that sets none of the
//! newer fields draws exactly what the original model drew (a loss draw when `loss > 0`, then a
//! jitter draw when `jitter_ms > 0`), so its trace hash is unchanged.
//!
//! Node ids come from the scenario (validated against the initial members and the joiners) and
//! from protocols (the kernel refuses a destination past the group), and every per-node table
//! here is read with `get`: an id the network has no entry for is a counted drop
//! ([`Fate::UplinkFull`] for a sender without an uplink, a lost packet for a receiver without a
//! loss chain, a full downlink), never a panic.

#![deny(clippy::indexing_slicing)]

mod burst;
mod config;
mod partition;
mod regions;

pub use config::{BurstConfig, LinkLoss, NetworkConfig, NodeLink, PartitionConfig, RegionsConfig};
pub use regions::sector;

use crate::protocol::Distances;
use crate::rng::{self, probability_threshold, SimRng, Stream};
use crate::time::{SimDuration, SimTime};
use burst::Burst;
use partition::Partition;
use rand::{Rng, RngCore};
use regions::Regions;

/// What becomes of a packet once it is handed to the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It reaches the receiver (or the receiver's downlink queue, when that is finite).
    Arrives,
    /// Random loss: a link or node override, the burst model or the global rate.
    Lost,
    /// A partition separated sender and receiver when it left the uplink.
    Partitioned,
    /// The sender's uplink queue was full: dropped at the send, it never leaves.
    UplinkFull,
}

/// When a packet leaves and arrives, and what becomes of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transmission {
    /// When the last bit left the sender's uplink (the send time for [`Fate::UplinkFull`]).
    pub depart: SimTime,
    /// When it reaches the receiver, or its downlink (had it not been dropped).
    pub arrive: SimTime,
    /// Whether it arrives, and if not, why.
    pub fate: Fate,
}

impl Transmission {
    /// Whether the network drops it (for any reason).
    pub fn lost(&self) -> bool {
        self.fate != Fate::Arrives
    }
}

/// Latency, loss, bandwidth and partition state for the whole group.
#[derive(Clone)]
pub struct Network {
    positions: Vec<[f64; 2]>,
    base_us: f64,
    per_unit_us: f64,
    jitter_us: u64,
    loss_threshold: u64,
    uplink_rate: u64,
    uplink_queue: u64,
    downlink_rate: u64,
    downlink_queue: u64,
    uplink_free_at: Vec<SimTime>,
    /// Empty unless some node's downlink is finite (and the mode is asynchronous).
    downlink_free_at: Vec<SimTime>,
    regions: Option<Regions>,
    /// Sorted by node; empty for the common case of no overrides.
    nodes: Vec<NodeLink>,
    /// Whether any entry of `nodes` sets a loss.
    node_loss: bool,
    /// `(from << 32 | to, loss threshold)`, sorted.
    links: Vec<(u64, u64)>,
    burst: Option<Burst>,
    partitions: Vec<Partition>,
    /// Round length in microseconds; 0 in asynchronous mode.
    round_us: u64,
    /// None of the above is in use: the original model (distance latency, global loss, one
    /// uplink rate and queue for all), resolved by a short path.
    plain: bool,
    /// The network replicates multicast packets ([`Network::transmit_copy`]).
    native_multicast: bool,
    /// How long the transport takes to give up on a node that is not up.
    transport_timeout: SimDuration,
    rng: SimRng,
}

/// `x.round() as u64`, exactly, without the call to `round` that x86-64's baseline needs (2-3 %
/// of a run at 100,000 nodes): `x as u64` truncates (saturating, NaN to 0), and `x - trunc(x)` is
/// exact, so adding one when that fraction is at least a half rounds halves away from zero as
/// `round` does. Negative `x` gives 0 both ways, and beyond 2^53 `x` is a whole number.
#[inline(always)]
fn round_to_u64(x: f64) -> u64 {
    let t = x as u64;
    t.saturating_add(u64::from(x - t as f64 >= 0.5))
}

/// `rng` says yes with probability `threshold / 2^64` (never for 0).
#[inline]
fn hit(rng: &mut SimRng, threshold: u64) -> bool {
    threshold != 0 && rng.next_u64() < threshold
}

/// How long `bytes` bytes occupy a link of `rate` bytes per second (0 = unlimited), rounded up
/// to the microsecond.
#[inline]
fn tx_time(bytes: u32, rate: u64) -> SimDuration {
    if rate == 0 {
        return SimDuration::ZERO;
    }
    SimDuration((u64::from(bytes) * 1_000_000).div_ceil(rate))
}

/// Bytes a link of `rate` bytes per second that is busy until `free_at` has yet to transmit at
/// `now`, rounded down. In 64 bits while the product fits (it always does below 5 GB/s with an
/// hour queued), which spares the send path a 128-bit division.
#[inline]
fn backlog(free_at: SimTime, now: SimTime, rate: u64) -> u64 {
    let busy = free_at.since(now).0;
    match busy.checked_mul(rate) {
        Some(bits) => bits / 1_000_000,
        None => u64::try_from(u128::from(busy) * u128::from(rate) / 1_000_000).unwrap_or(u64::MAX),
    }
}

/// Whether a queue of `capacity` bytes (0 = unlimited) holding `queued` takes `bytes` more.
#[inline]
fn fits(capacity: u64, queued: u64, bytes: u32) -> bool {
    capacity == 0 || queued.saturating_add(u64::from(bytes)) <= capacity
}

/// The network's base latency (no jitter, no queueing) as the distance service nodes consult
/// ([`crate::protocol::Context::distance`]).
impl Distances for Network {
    fn between(&self, from: u32, to: u32) -> SimDuration {
        self.base_latency(from, to)
    }
}

impl Network {
    /// A network configured by `config` over nodes at `positions`, with randomness from `seed`'s
    /// network stream.
    pub fn new(config: &NetworkConfig, positions: Vec<[f64; 2]>, seed: u64) -> Self {
        let n = positions.len();
        let mut nodes = config.nodes.clone();
        nodes.sort_by_key(|o| o.node);
        let mut links: Vec<(u64, u64)> = config
            .links
            .iter()
            .map(|l| (u64::from(l.from) << 32 | u64::from(l.to), probability_threshold(l.loss)))
            .collect();
        links.sort_unstable();
        let round_us = config.round.map_or(0, |r| r.0.max(1));
        let finite_downlink = config.downlink_rate != 0 || nodes.iter().any(|o| o.downlink_rate != 0);
        let plain = nodes.is_empty()
            && links.is_empty()
            && config.regions.is_none()
            && config.burst.is_none()
            && config.partitions.is_empty()
            && round_us == 0;
        Network {
            regions: config.regions.as_ref().map(|r| Regions::new(r, &positions)),
            positions,
            base_us: config.latency_us,
            per_unit_us: config.distance_us,
            jitter_us: config.jitter.0,
            loss_threshold: probability_threshold(config.loss),
            uplink_rate: config.uplink_rate,
            uplink_queue: config.uplink_queue,
            downlink_rate: config.downlink_rate,
            downlink_queue: config.downlink_queue,
            uplink_free_at: vec![SimTime::ZERO; n],
            downlink_free_at: if finite_downlink && round_us == 0 { vec![SimTime::ZERO; n] } else { Vec::new() },
            node_loss: nodes.iter().any(|o| o.send_loss.is_some() || o.recv_loss.is_some()),
            nodes,
            links,
            burst: config.burst.as_ref().map(|b| Burst::new(b, n)),
            partitions: config.partitions.iter().map(Partition::new).collect(),
            round_us,
            plain,
            native_multicast: config.native_multicast,
            transport_timeout: config.transport_timeout,
            rng: rng::stream(seed, Stream::Network),
        }
    }

    /// Node positions in the unit square.
    pub fn positions(&self) -> &[[f64; 2]] {
        &self.positions
    }

    /// Node `node`'s region, if the scenario has regions (and the node is placed).
    pub fn region_of(&self, node: u32) -> Option<u32> {
        self.regions.as_ref().and_then(|r| r.of(node))
    }

    /// The round length in rounds mode; `None` in asynchronous mode.
    pub fn round(&self) -> Option<SimDuration> {
        (self.round_us != 0).then_some(SimDuration(self.round_us))
    }

    /// The propagation latency from `a` to `b`, without jitter: from the regions' table if the
    /// scenario has regions, else from the distance (a node without a position, which the
    /// scenario never makes, is at distance 0).
    #[inline(always)]
    pub fn base_latency(&self, a: u32, b: u32) -> SimDuration {
        if let Some(r) = &self.regions {
            return r.latency(a, b);
        }
        let (Some([ax, ay]), Some([bx, by])) = (self.positions.get(a as usize), self.positions.get(b as usize)) else {
            return self.unplaced_latency();
        };
        let d = ((ax - bx) * (ax - bx) + (ay - by) * (ay - by)).sqrt();
        SimDuration(round_to_u64(self.base_us + d * self.per_unit_us))
    }

    /// The latency to or from a node without a position: the base latency, as at distance 0.
    /// Out of the way of [`Network::base_latency`]'s path, which never takes it.
    #[cold]
    #[inline(never)]
    fn unplaced_latency(&self) -> SimDuration {
        SimDuration(round_to_u64(self.base_us))
    }

    /// How long `bytes` bytes occupy an uplink at the global rate.
    pub fn transmission_time(&self, bytes: u32) -> SimDuration {
        tx_time(bytes, self.uplink_rate)
    }

    #[inline]
    fn node_link(&self, node: u32) -> Option<&NodeLink> {
        if self.nodes.is_empty() {
            return None;
        }
        self.nodes.binary_search_by_key(&node, |o| o.node).ok().and_then(|i| self.nodes.get(i))
    }

    /// Node `node`'s uplink rate and queue capacity (0 = unlimited).
    pub fn uplink_of(&self, node: u32) -> (u64, u64) {
        self.node_link(node).map_or((self.uplink_rate, self.uplink_queue), |o| (o.uplink_rate, o.uplink_queue))
    }

    /// Node `node`'s downlink rate and queue capacity (0 = unlimited).
    pub fn downlink_of(&self, node: u32) -> (u64, u64) {
        self.node_link(node).map_or((self.downlink_rate, self.downlink_queue), |o| (o.downlink_rate, o.downlink_queue))
    }

    /// Bytes in `node`'s uplink not yet transmitted at `now` (0 for a node without one).
    pub fn uplink_backlog(&self, now: SimTime, node: u32) -> u64 {
        self.uplink_free_at.get(node as usize).map_or(0, |&free| backlog(free, now, self.uplink_of(node).0))
    }

    /// Sends `bytes` bytes from `from` to `to` at `now`: queues it on the uplink, tests
    /// partitions, draws loss and jitter from the network stream, and says when it leaves and
    /// arrives and what becomes of it.
    #[inline(always)]
    pub fn transmit(&mut self, now: SimTime, from: u32, to: u32, bytes: u32) -> Transmission {
        if self.plain {
            self.transmit_plain(now, from, to, bytes)
        } else {
            self.transmit_general(now, from, to, bytes)
        }
    }

    /// Every feature of the model; kept out of line so the plain path stays small.
    #[inline(never)]
    fn transmit_general(&mut self, now: SimTime, from: u32, to: u32, bytes: u32) -> Transmission {
        if self.round_us != 0 {
            return self.transmit_in_rounds(now, from, to);
        }
        let (rate, queue) = self.uplink_of(from);
        let Some(free) = self.uplink_free_at.get_mut(from as usize) else {
            return Transmission { depart: now, arrive: now, fate: Fate::UplinkFull };
        };
        if queue != 0 && rate != 0 && !fits(queue, backlog(*free, now, rate), bytes) {
            return Transmission { depart: now, arrive: now, fate: Fate::UplinkFull };
        }
        let depart = (*free).max(now) + tx_time(bytes, rate);
        *free = depart;
        self.on_the_wire(depart, from, to)
    }

    /// What becomes of a packet that left `from`'s uplink at `depart` for `to`: partitions (tested
    /// at the departure), loss, then latency and jitter.
    fn on_the_wire(&mut self, depart: SimTime, from: u32, to: u32) -> Transmission {
        if self.partitioned(depart, from, to) {
            let arrive = depart + self.base_latency(from, to);
            return Transmission { depart, arrive, fate: Fate::Partitioned };
        }
        let lost = self.lost(from, to);
        let jitter = if self.jitter_us == 0 { 0 } else { self.rng.random_range(0..=self.jitter_us) };
        let arrive = depart + self.base_latency(from, to) + SimDuration(jitter);
        Transmission { depart, arrive, fate: if lost { Fate::Lost } else { Fate::Arrives } }
    }

    /// The original model, for scenarios that use nothing newer: the same steps as the general
    /// path (which gives the same result for them, see the tests), without its checks. A sender
    /// without an uplink (the kernel sends only from its nodes, which all have one) drops the
    /// packet as a full uplink would.
    #[inline(always)]
    fn transmit_plain(&mut self, now: SimTime, from: u32, to: u32, bytes: u32) -> Transmission {
        let Some(free) = self.uplink_free_at.get_mut(from as usize) else {
            return Transmission { depart: now, arrive: now, fate: Fate::UplinkFull };
        };
        if self.uplink_rate != 0 && !fits(self.uplink_queue, backlog(*free, now, self.uplink_rate), bytes) {
            return Transmission { depart: now, arrive: now, fate: Fate::UplinkFull };
        }
        let depart = (*free).max(now) + tx_time(bytes, self.uplink_rate);
        *free = depart;
        let lost = hit(&mut self.rng, self.loss_threshold);
        let jitter = if self.jitter_us == 0 { 0 } else { self.rng.random_range(0..=self.jitter_us) };
        let arrive = depart + self.base_latency(from, to) + SimDuration(jitter);
        Transmission { depart, arrive, fate: if lost { Fate::Lost } else { Fate::Arrives } }
    }

    /// Whether the network replicates multicast packets (`network.native_multicast`).
    pub fn native_multicast(&self) -> bool {
        self.native_multicast
    }

    /// How long after a send to a node that is not up the transport gives up on it
    /// (`network.transport_timeout_ms`; see [`crate::protocol::Protocol::TRANSPORT_FAILURES`]).
    pub fn transport_timeout(&self) -> SimDuration {
        self.transport_timeout
    }

    /// Another copy, to `to`, of the multicast packet whose first copy went out as `first`, on a
    /// network with native multicast: it left the uplink with the first (no bandwidth of its
    /// own; dropped with it at a full uplink queue), then meets its own partitions, loss, latency
    /// and jitter. In rounds mode, a send like any other.
    pub fn transmit_copy(&mut self, first: Transmission, now: SimTime, from: u32, to: u32) -> Transmission {
        if self.round_us != 0 {
            return self.transmit_in_rounds(now, from, to);
        }
        if first.fate == Fate::UplinkFull {
            return first;
        }
        self.on_the_wire(first.depart, from, to)
    }

    /// Rounds mode: no bandwidth, latency or jitter; the packet arrives at the next boundary.
    fn transmit_in_rounds(&mut self, now: SimTime, from: u32, to: u32) -> Transmission {
        let arrive = SimTime((now.0 / self.round_us + 1).saturating_mul(self.round_us));
        let fate = if self.partitioned(now, from, to) {
            Fate::Partitioned
        } else if self.lost(from, to) {
            Fate::Lost
        } else {
            Fate::Arrives
        };
        Transmission { depart: now, arrive, fate }
    }

    /// When a timer due at `t` fires: `t` itself, or in rounds mode the first round boundary at
    /// or after `t`.
    #[inline]
    pub fn timer_due(&self, t: SimTime) -> SimTime {
        if self.round_us == 0 {
            t
        } else {
            SimTime(t.0.div_ceil(self.round_us).saturating_mul(self.round_us))
        }
    }

    /// Whether a partition drops a packet leaving `from` for `to` at `t`.
    #[inline]
    pub fn partitioned(&self, t: SimTime, from: u32, to: u32) -> bool {
        !self.partitions.is_empty() && self.partitions.iter().any(|p| p.blocks(t, from, to))
    }

    /// Draws whether a packet from `from` to `to` is lost, stepping the receiver's burst chain
    /// unless an override decides.
    #[inline]
    fn lost(&mut self, from: u32, to: u32) -> bool {
        let threshold = match self.override_threshold(from, to) {
            Some(t) => t,
            None => match &mut self.burst {
                Some(b) => return b.lost(to, &mut self.rng),
                None => self.loss_threshold,
            },
        };
        hit(&mut self.rng, threshold)
    }

    /// The loss threshold a link or node override sets for `from` → `to`, if any.
    #[inline]
    fn override_threshold(&self, from: u32, to: u32) -> Option<u64> {
        if !self.links.is_empty() {
            let key = u64::from(from) << 32 | u64::from(to);
            if let Some(link) = self.links.binary_search_by_key(&key, |l| l.0).ok().and_then(|i| self.links.get(i)) {
                return Some(link.1);
            }
        }
        if !self.node_loss {
            return None;
        }
        let send = self.node_link(from).and_then(|o| o.send_loss);
        let recv = self.node_link(to).and_then(|o| o.recv_loss);
        match (send, recv) {
            (None, None) => None,
            (Some(p), None) | (None, Some(p)) => Some(probability_threshold(p)),
            (Some(s), Some(r)) => Some(probability_threshold(1.0 - (1.0 - s) * (1.0 - r))),
        }
    }

    /// Whether packets to `to` pass through a finite downlink, so the kernel must call
    /// [`Network::downlink`] when they reach it.
    #[inline]
    pub fn downlink_limited(&self, to: u32) -> bool {
        !self.downlink_free_at.is_empty() && self.downlink_of(to).0 != 0
    }

    /// A packet of `bytes` bytes reaches `to`'s downlink at `now` (packets must come in arrival
    /// order). Returns when it is fully received, or `None` if the downlink queue is full and it
    /// is dropped (drop-tail). A finite downlink the network keeps no state for (never: it keeps
    /// one per node whenever one is finite) drops the packet as a full one would.
    pub fn downlink(&mut self, now: SimTime, to: u32, bytes: u32) -> Option<SimTime> {
        let (rate, queue) = self.downlink_of(to);
        if rate == 0 {
            return Some(now);
        }
        let free = self.downlink_free_at.get_mut(to as usize)?;
        if !fits(queue, backlog(*free, now, rate), bytes) {
            return None;
        }
        let done = (*free).max(now) + tx_time(bytes, rate);
        *free = done;
        Some(done)
    }

    /// Asks the cache for what a send by `node` reads (its uplink and its position): a hint that
    /// changes nothing.
    #[inline(always)]
    pub fn prefetch(&self, node: u32) {
        crate::prefetch::prefetch_at(&self.uplink_free_at, node as usize);
        crate::prefetch::prefetch_at(&self.positions, node as usize);
    }

    /// Asks the cache for what a send to `node` reads of it (its position, or its region): a
    /// hint that changes nothing.
    #[inline(always)]
    pub fn prefetch_receiver(&self, node: u32) {
        match &self.regions {
            Some(r) => r.prefetch(node),
            None => crate::prefetch::prefetch_at(&self.positions, node as usize),
        }
    }

    /// Empties `node`'s uplink at `now` (its node crashed: what was queued never leaves), so that
    /// after a recovery its packets do not wait behind the dead ones.
    pub fn clear_uplink(&mut self, node: u32, now: SimTime) {
        if let Some(free) = self.uplink_free_at.get_mut(node as usize) {
            *free = (*free).min(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn spec(loss: f64, rate: u64) -> NetworkConfig {
        NetworkConfig { latency_us: 1000.0, distance_us: 10_000.0, loss, uplink_rate: rate, ..NetworkConfig::default() }
    }

    fn net(loss: f64, rate: u64) -> Network {
        Network::new(&spec(loss, rate), vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], 5)
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
    fn rounding_matches_round() {
        let tricky = [
            0.0,
            -0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            -0.5,
            -0.7,
            -3.5,
            4_503_599_627_370_495.5,
            9_007_199_254_740_993.0,
            1.8446744073709552e19,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            1234.4999999999998,
            1234.5000000000002,
        ];
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let random = (0..100_000).map(|_| r.random_range(0.0..100_000.0f64));
        for x in tricky.into_iter().chain(random) {
            assert_eq!(round_to_u64(x), x.round() as u64, "{x:?}");
        }
    }

    #[test]
    fn loss_rate_matches_its_setting() {
        let mut n = net(0.3, 0);
        let lost = (0..100_000).filter(|_| n.transmit(SimTime(0), 0, 1, 10).lost()).count();
        // Binomial(100000, 0.3): sd ≈ 145; 5 sd either side.
        assert!((29_275..=30_725).contains(&lost), "lost {lost}");
    }

    #[test]
    fn backlog_counts_untransmitted_bytes() {
        let mut n = net(0.0, 1_000_000);
        n.transmit(SimTime(0), 0, 1, 1000);
        n.transmit(SimTime(0), 0, 1, 500);
        assert_eq!(n.uplink_backlog(SimTime(0), 0), 1500);
        assert_eq!(n.uplink_backlog(SimTime(1200), 0), 300);
        assert_eq!(n.uplink_backlog(SimTime(9000), 0), 0);
    }

    #[test]
    fn a_packet_larger_than_the_queue_never_fits() {
        let mut s = spec(0.0, 1_000_000);
        s.uplink_queue = 999;
        let mut n = Network::new(&s, vec![[0.0; 2]; 2], 1);
        assert_eq!(n.transmit(SimTime(0), 0, 1, 1000).fate, Fate::UplinkFull);
        assert_eq!(n.transmit(SimTime(0), 0, 1, 999).fate, Fate::Arrives);
        // A dropped packet took no bandwidth: the next one queues behind the 999 bytes only.
        assert_eq!(n.uplink_backlog(SimTime(0), 0), 999);
    }

    #[test]
    fn overrides_pick_the_most_specific_loss() {
        let mut s = spec(0.0, 0);
        s.nodes = vec![
            NodeLink { node: 2, recv_loss: Some(1.0), uplink_rate: 7, ..NodeLink::default() },
            NodeLink { node: 0, send_loss: Some(1.0), ..NodeLink::default() },
        ];
        s.links = vec![LinkLoss { from: 0, to: 1, loss: 0.0 }];
        let n = Network::new(&s, vec![[0.0; 2]; 3], 1);
        assert_eq!(n.override_threshold(0, 1), Some(0), "the link beats the node");
        assert_eq!(n.override_threshold(0, 2), Some(u64::MAX));
        assert_eq!(n.override_threshold(1, 2), Some(u64::MAX));
        assert_eq!(n.override_threshold(1, 0), None, "node 0 overrides what it sends, not what it gets");
        assert_eq!(n.override_threshold(2, 1), None);
        assert_eq!(n.uplink_of(2), (7, 0));
        assert_eq!(n.uplink_of(1), (0, 0));
    }

    #[test]
    fn an_id_past_the_group_is_a_counted_drop_not_a_panic() {
        let mut s = spec(0.0, 1_000_000);
        s.downlink_rate = 1000;
        s.burst =
            Some(BurstConfig { p_good_to_bad: 0.5, p_bad_to_good: 0.5, loss_good: 0.0, loss_bad: 1.0, start_bad: 0.5 });
        let mut n = Network::new(&s, vec![[0.0; 2]; 2], 1);
        assert_eq!(n.transmit(SimTime(0), 9, 1, 100).fate, Fate::UplinkFull, "a sender without an uplink");
        assert!(n.lost(0, 9), "a receiver without a loss chain");
        assert_eq!(n.downlink(SimTime(0), 9, 100), None, "a receiver without a downlink");
        assert_eq!(n.base_latency(0, 9), SimDuration(1000), "no position: distance 0");
        assert_eq!((n.uplink_backlog(SimTime(0), 9), n.region_of(9)), (0, None));
        n.clear_uplink(9, SimTime(0));
        let mut plain = net(0.0, 1_000_000);
        assert_eq!(plain.transmit(SimTime(0), 3, 1, 100).fate, Fate::UplinkFull);
        assert_eq!(plain.transmit(SimTime(0), 0, 1, 100).fate, Fate::Arrives, "the others are untouched");
    }

    #[test]
    fn timers_snap_to_round_boundaries() {
        let mut s = spec(0.0, 1000);
        s.round = Some(SimDuration(10_000));
        let mut n = Network::new(&s, vec![[0.0; 2]; 2], 1);
        assert_eq!(n.timer_due(SimTime(0)), SimTime(0));
        assert_eq!(n.timer_due(SimTime(1)), SimTime(10_000));
        assert_eq!(n.timer_due(SimTime(10_000)), SimTime(10_000));
        let t = n.transmit(SimTime(10_000), 0, 1, 5000);
        assert_eq!((t.depart, t.arrive), (SimTime(10_000), SimTime(20_000)), "no bandwidth in rounds");
        assert!(!n.downlink_limited(1));
        assert_eq!(net(0.0, 0).timer_due(SimTime(1)), SimTime(1));
    }
}
