//! What the network model runs, as plain values in the kernel's units: microseconds, bytes, bytes
//! per second, probabilities and node ids.
//!
//! The scenario's network section compiles into a [`NetworkConfig`] before the run (fields
//! resolved, per-node overrides filled in with the global values, regions' latency table built);
//! the kernel reads nothing else, so it never sees how a scenario is written down. The zero value
//! ([`NetworkConfig::default`]) is an ideal network: no latency, no jitter, no loss, unlimited
//! links, one asynchronous domain.

use crate::protocol::NodeId;
use crate::time::{SimDuration, SimTime};

/// Latency, loss, bandwidth, partitions and timing mode for the whole group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkConfig {
    /// One-way latency between two nodes at the same spot (microseconds, fractional: a packet's
    /// latency is rounded to the microsecond once the distance is added).
    pub latency_us: f64,
    /// Extra one-way latency per unit of distance in the unit square (microseconds, fractional).
    pub distance_us: f64,
    /// Uniform random extra delay in `[0, jitter]` per packet.
    pub jitter: SimDuration,
    /// Probability that a packet is lost, independently per packet.
    pub loss: f64,
    /// Each node's uplink rate in bytes per second (0 = unlimited).
    pub uplink_rate: u64,
    /// Bytes an uplink may hold not yet transmitted (0 = unlimited).
    pub uplink_queue: u64,
    /// Each node's downlink rate in bytes per second (0 = unlimited).
    pub downlink_rate: u64,
    /// Bytes a downlink may hold not yet received (0 = unlimited).
    pub downlink_queue: u64,
    /// Regions, whose latency table replaces `latency_us` and `distance_us`.
    pub regions: Option<RegionsConfig>,
    /// Bursty loss in place of the independent `loss`.
    pub burst: Option<BurstConfig>,
    /// Nodes with rates, queues or loss of their own (any order; one entry per node).
    pub nodes: Vec<NodeLink>,
    /// Directed links with a loss of their own (any order; one entry per link).
    pub links: Vec<LinkLoss>,
    /// Partitions between sets of nodes over time windows.
    pub partitions: Vec<PartitionConfig>,
    /// Round-synchronous mode's round length; `None` for the event-driven mode.
    pub round: Option<SimDuration>,
    /// Whether the network replicates multicast packets, as IP multicast does.
    pub native_multicast: bool,
    /// How long after sending to a node that is not up the transport tells a sender that asks
    /// for transport failures ([`crate::protocol::Protocol::TRANSPORT_FAILURES`]).
    pub transport_timeout: SimDuration,
}

/// One node's own rates, queues and loss, every field resolved (the global value where the
/// scenario gives none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeLink {
    /// The node.
    pub node: NodeId,
    /// Its uplink rate in bytes per second (0 = unlimited).
    pub uplink_rate: u64,
    /// Its uplink queue capacity in bytes (0 = unlimited).
    pub uplink_queue: u64,
    /// Its downlink rate in bytes per second (0 = unlimited).
    pub downlink_rate: u64,
    /// Its downlink queue capacity in bytes (0 = unlimited).
    pub downlink_queue: u64,
    /// Loss of every packet it sends, in place of the global loss and the burst model.
    pub send_loss: Option<f64>,
    /// Loss of every packet sent to it, in place of the global loss and the burst model; with a
    /// sender's `send_loss` as well, a packet survives with probability (1 − send)(1 − recv).
    pub recv_loss: Option<f64>,
}

/// The loss of one directed link, in place of every other loss setting for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkLoss {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Loss probability of packets from `from` to `to`.
    pub loss: f64,
}

/// Gilbert–Elliott bursty loss: a two-state chain per receiver, stepped once per packet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurstConfig {
    /// Probability of moving from the good to the bad state at a packet.
    pub p_good_to_bad: f64,
    /// Probability of moving from the bad to the good state at a packet.
    pub p_bad_to_good: f64,
    /// Loss probability in the good state.
    pub loss_good: f64,
    /// Loss probability in the bad state.
    pub loss_bad: f64,
    /// Probability that a chain starts bad: its stationary share of the bad state.
    pub start_bad: f64,
}

/// During `[from, to)` packets from a node of `a` to a node of `b` (and back, unless `one_way`)
/// are dropped, tested when a packet leaves its sender's uplink.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionConfig {
    /// When the partition starts.
    pub from: SimTime,
    /// When it heals (packets leaving at this time pass).
    pub to: SimTime,
    /// One side (any order).
    pub a: Vec<NodeId>,
    /// The other side (any order); `None`: every node not in `a`.
    pub b: Option<Vec<NodeId>>,
    /// Block only packets from `a` to `b`.
    pub one_way: bool,
}

/// Which region each node is in, and the one-way latency between any two regions.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionsConfig {
    /// How many regions there are (at least 1).
    pub count: u32,
    /// Each node's region, below `count`; `None`: the sector of its position out of `count`
    /// equal sectors around the centre ([`super::sector`]).
    pub of: Option<Vec<u32>>,
    /// Row-major `count × count`: entry `i × count + j` is the latency from region i to region
    /// j, the diagonal the latency inside a region.
    pub latency: Vec<SimDuration>,
}
