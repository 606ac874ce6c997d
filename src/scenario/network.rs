//! The network part of a scenario: latency (from distance or from regions), loss (global, per
//! node, per link, bursty), bandwidth with finite queues, partitions, and the timing mode.
//!
//! Every field added after the first release has a default that reproduces the original model
//! exactly (no regions, no overrides, no burst, unlimited downlinks, asynchronous mode), and is
//! left out of the serialised scenario while it holds that default, so existing scenarios, share
//! links and trace hashes are unchanged. Queues are the exception, made by scenario version 2:
//! left out, a queue holds [`DEFAULT_QUEUE_SECS`] of its link's rate, within
//! [`MIN_DEFAULT_QUEUE_BYTES`] and [`MAX_DEFAULT_QUEUE_BYTES`] ([`default_queue_bytes`]), and 0
//! means [`UNLIMITED_QUEUE_BYTES`]; a version-1 scenario, whose queues were unlimited when left
//! out, is read with 0 written in (see [`super::version`]).

mod compile;

use super::limits::{ms, node, probability, MAX_MS, MAX_RATE};
use super::ScenarioError;
use serde::{Deserialize, Serialize};

/// The most regions a scenario may have (a `wan_ms` matrix has this many squared entries).
pub const MAX_REGIONS: u32 = 1024;
/// The most partitions a scenario may list.
pub const MAX_PARTITIONS: usize = 1000;

/// A queue left out of the scenario holds what its link sends in this many seconds (within
/// [`MIN_DEFAULT_QUEUE_BYTES`] and [`MAX_DEFAULT_QUEUE_BYTES`]): 5,000,000 bytes at the default
/// 2.5 MB/s uplink. A buffer sized by time, as routers' are (rate × a delay), so that a slow link
/// does not hold hours of traffic: the largest backlog any file in `scenarios/` reaches is 1.9 s
/// of its uplink (`bursty-loss.json`: 4,756,360 bytes at 2.5 MB/s).
pub const DEFAULT_QUEUE_SECS: u64 = 2;
/// The smallest default queue: 8 KiB, so that a slow link still holds a few packets of the
/// default size (1,040 bytes with the header) or a burst of 204 control packets of 40 bytes, and
/// no more: every queued packet is an event in memory, and links this slow are radios with
/// buffers of a few frames.
pub const MIN_DEFAULT_QUEUE_BYTES: u64 = 8 << 10;
/// The largest default queue: 64 MiB, so that a fast link's default stays a buffer a machine
/// has (its two seconds past 33.5 MB/s are more).
pub const MAX_DEFAULT_QUEUE_BYTES: u64 = 64 << 20;
/// What a queue of 0 ("unlimited") holds: 2^50 bytes (1 PiB), the largest queue a scenario may
/// name. No run fills it: the packet cap times the largest packet (50,000,000 × 10,065,535 bytes)
/// is below it, and periodic control packets (at most 65,535 bytes and a little) would need over
/// 10^10 of them queued at once, more than any memory holds. So a version-1 scenario's unlimited
/// queue replays exactly as 0.
pub const UNLIMITED_QUEUE_BYTES: u64 = MAX_RATE;

/// The capacity of a queue the scenario leaves out, on a link of `rate` bytes per second:
/// [`DEFAULT_QUEUE_SECS`] of the rate, at least [`MIN_DEFAULT_QUEUE_BYTES`] and at most
/// [`MAX_DEFAULT_QUEUE_BYTES`]. (An unlimited link, rate 0, has no queue; this gives the minimum.)
pub fn default_queue_bytes(rate: u64) -> u64 {
    rate.saturating_mul(DEFAULT_QUEUE_SECS).clamp(MIN_DEFAULT_QUEUE_BYTES, MAX_DEFAULT_QUEUE_BYTES)
}

/// The capacity in bytes of a queue the scenario sets to `queue` on a link of `rate` bytes per
/// second: left out, [`default_queue_bytes`]; 0, [`UNLIMITED_QUEUE_BYTES`]; otherwise itself.
pub fn queue_capacity(queue: Option<u64>, rate: u64) -> u64 {
    match queue {
        None => default_queue_bytes(rate),
        Some(0) => UNLIMITED_QUEUE_BYTES,
        Some(bytes) => bytes,
    }
}

/// The network model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSpec {
    /// One-way latency between two nodes at the same spot (milliseconds).
    pub latency_ms: f64,
    /// Extra one-way latency per unit of distance in the unit square (milliseconds).
    pub distance_ms: f64,
    /// Uniform random extra delay in `[0, jitter_ms]` per packet (milliseconds).
    pub jitter_ms: f64,
    /// Probability that a packet is lost, independently per packet, in `[0, 1]`.
    pub loss: f64,
    /// Each node's uplink rate in bytes per second; packets queue behind each other (0 = unlimited).
    pub uplink_bytes_per_sec: u64,
    /// Each node's downlink rate in bytes per second: arriving packets queue in arrival order and
    /// are handed to the node once received in full (0 = unlimited, the default).
    #[serde(skip_serializing_if = "is_zero")]
    pub downlink_bytes_per_sec: u64,
    /// Bytes an uplink may hold not yet transmitted; a packet that would exceed it is dropped
    /// (drop-tail). Left out (`None`), [`default_queue_bytes`] of the uplink's rate; 0 =
    /// unlimited, [`UNLIMITED_QUEUE_BYTES`] (see [`queue_capacity`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uplink_queue_bytes: Option<u64>,
    /// Bytes a downlink may hold not yet received; a packet that would exceed it is dropped
    /// (drop-tail). Left out and 0 as for [`NetworkSpec::uplink_queue_bytes`], of the downlink's
    /// rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downlink_queue_bytes: Option<u64>,
    /// Regions: when present, latency is `lan_ms` inside a region and `wan_ms` between regions,
    /// replacing `latency_ms` and `distance_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<RegionsSpec>,
    /// Bursty loss (Gilbert–Elliott) in place of the independent `loss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<BurstSpec>,
    /// Per-node overrides of rates, queues and loss.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeNetSpec>,
    /// Per-directed-link loss, overriding every other loss setting for that link.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkSpec>,
    /// Partitions between sets of nodes over time windows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<PartitionSpec>,
    /// Asynchronous (event-driven, the default) or round-synchronous.
    #[serde(skip_serializing_if = "NetworkMode::is_async")]
    pub mode: NetworkMode,
    /// Whether the network replicates multicast packets, as IP multicast does: the copies of one
    /// packet a protocol multicasts leave the sender's uplink once, together, and each then meets
    /// its own loss, latency, jitter and partitions on the way to its receiver. Off (the default),
    /// every copy is a unicast of its own, as in application-level multicast. Protocols that
    /// unicast by design (centralized, tree) are unaffected.
    #[serde(skip_serializing_if = "is_false")]
    pub native_multicast: bool,
    /// How long after a packet is sent to a node that is not up (crashed, paused, gone, not yet
    /// joined) the transport tells its sender the peer is unreachable (milliseconds), as a TCP
    /// connection notices a dead peer. Only protocols that ask for transport failures hear of
    /// it (HyParView); the default, 500 ms, lies between Linux's
    /// minimum TCP retransmission timeout (200 ms) and RFC 6298's initial one (1 s).
    #[serde(skip_serializing_if = "is_default_transport_timeout")]
    pub transport_timeout_ms: f64,
}

/// The default `network.transport_timeout_ms`: 500 ms, between Linux's minimum TCP
/// retransmission timeout (200 ms) and RFC 6298's initial retransmission timeout (1 s, §2.1).
pub const DEFAULT_TRANSPORT_TIMEOUT_MS: f64 = 500.0;

fn is_default_transport_timeout(v: &f64) -> bool {
    *v == DEFAULT_TRANSPORT_TIMEOUT_MS
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            latency_ms: 5.0,
            distance_ms: 40.0,
            jitter_ms: 2.0,
            loss: 0.0,
            uplink_bytes_per_sec: 2_500_000,
            downlink_bytes_per_sec: 0,
            uplink_queue_bytes: None,
            downlink_queue_bytes: None,
            regions: None,
            burst: None,
            nodes: Vec::new(),
            links: Vec::new(),
            partitions: Vec::new(),
            mode: NetworkMode::Async,
            native_multicast: false,
            transport_timeout_ms: DEFAULT_TRANSPORT_TIMEOUT_MS,
        }
    }
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn is_false(v: &bool) -> bool {
    !*v
}

/// Which region each node is in, and the latency inside and between regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsSpec {
    /// Split the unit square into this many equal sectors around its centre: sector `r` holds
    /// the nodes whose angle from the centre, measured from the +x axis towards +y, lies in
    /// `[r, r + 1) · 360° / count` (a node exactly at the centre is in sector 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Or name each node's region explicitly: one region number per node; there are then
    /// `max + 1` regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Vec<u32>>,
    /// One-way latency between two nodes of the same region (milliseconds).
    #[serde(default = "default_lan_ms")]
    pub lan_ms: f64,
    /// One-way latency between two nodes of different regions (milliseconds): one number, or a
    /// k × k matrix whose entry `[i][j]` is the latency from region i to region j (its diagonal
    /// is not read: same-region pairs take `lan_ms`).
    #[serde(default = "default_wan_ms")]
    pub wan_ms: WanLatency,
}

fn default_lan_ms() -> f64 {
    1.0
}

fn default_wan_ms() -> WanLatency {
    WanLatency::Uniform(50.0)
}

/// Latency between regions: one value, or one per ordered pair of regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a number of milliseconds or a k x k matrix of them, one row per region")]
pub enum WanLatency {
    /// The same latency between any two regions.
    Uniform(f64),
    /// `[i][j]`: the latency from region i to region j.
    Matrix(Vec<Vec<f64>>),
}

/// Gilbert–Elliott bursty loss: each receiving node has a two-state (good/bad) Markov chain,
/// stepped once per packet that reaches it, and loses the packet with its state's loss rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurstSpec {
    /// Probability of moving from the good to the bad state at a packet.
    pub p_good_to_bad: f64,
    /// Probability of moving from the bad to the good state at a packet.
    pub p_bad_to_good: f64,
    /// Loss probability in the good state.
    #[serde(default)]
    pub loss_good: f64,
    /// Loss probability in the bad state.
    #[serde(default = "one")]
    pub loss_bad: f64,
}

fn one() -> f64 {
    1.0
}

impl BurstSpec {
    /// The long-run fraction of packets that find the chain in the bad state: p / (p + r)
    /// (0 if the chain never moves).
    pub fn stationary_bad(&self) -> f64 {
        let (p, r) = (self.p_good_to_bad, self.p_bad_to_good);
        if p + r == 0.0 {
            0.0
        } else {
            p / (p + r)
        }
    }

    /// The long-run loss rate: π_bad · loss_bad + π_good · loss_good.
    pub fn mean_loss(&self) -> f64 {
        let bad = self.stationary_bad();
        bad * self.loss_bad + (1.0 - bad) * self.loss_good
    }
}

/// One node's own rates, queues and loss; every field left out takes the global value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeNetSpec {
    /// The node.
    pub node: u32,
    /// Its uplink rate in bytes per second (0 = unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uplink_bytes_per_sec: Option<u64>,
    /// Its downlink rate in bytes per second (0 = unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downlink_bytes_per_sec: Option<u64>,
    /// Its uplink queue capacity in bytes (0 = unlimited); left out, the global
    /// `uplink_queue_bytes`, or if that is left out too, the default for this node's uplink rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uplink_queue_bytes: Option<u64>,
    /// Its downlink queue capacity in bytes (0 = unlimited); left out, as for the uplink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downlink_queue_bytes: Option<u64>,
    /// Loss probability of every packet this node sends, replacing the global loss (and the
    /// burst model) for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_loss: Option<f64>,
    /// Loss probability of every packet sent to this node, replacing the global loss (and the
    /// burst model) for them. A packet whose sender has `send_loss` and whose receiver has
    /// `recv_loss` crosses both: it survives with probability (1 − send)(1 − recv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recv_loss: Option<f64>,
}

/// The loss of one directed link, overriding every other loss setting for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Sender.
    pub from: u32,
    /// Receiver.
    pub to: u32,
    /// Loss probability of packets from `from` to `to`.
    pub loss: f64,
}

/// During `[from_ms, to_ms)` packets from a node of `a` to a node of `b` (and back, unless
/// `one_way`) are dropped. The test is made when the packet leaves its sender's uplink.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionSpec {
    /// When the partition starts (milliseconds).
    pub from_ms: f64,
    /// When it heals (milliseconds; packets leaving at this time pass).
    pub to_ms: f64,
    /// One side.
    pub a: Vec<u32>,
    /// The other side; left out, every node not in `a`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<Vec<u32>>,
    /// Block only packets from `a` to `b`; those from `b` to `a` pass.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_way: bool,
}

/// How packets are timed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NetworkMode {
    /// Event-driven: each packet takes its own latency, jitter and transmission time.
    #[default]
    Async,
    /// Round-synchronous (the epidemic literature's cycles): every packet sent during a round
    /// arrives at the start of the next one; there is no latency, jitter or bandwidth, loss and
    /// partitions still apply, and timers fire at the first round boundary at or after their
    /// due time.
    Rounds {
        /// The length of a round (milliseconds).
        round_ms: f64,
    },
}

impl NetworkMode {
    /// Whether this is the default, event-driven mode.
    pub fn is_async(&self) -> bool {
        matches!(self, NetworkMode::Async)
    }
}

impl RegionsSpec {
    /// How many regions there are (0 if neither `count` nor `of` is given).
    pub fn region_count(&self) -> u32 {
        match (&self.count, &self.of) {
            (Some(k), _) => *k,
            (None, Some(of)) => of.iter().max().map_or(0, |m| m + 1),
            (None, None) => 0,
        }
    }
}

/// Checks a byte rate or queue size against [`MAX_RATE`] (0 means unlimited).
fn rate(field: &str, v: Option<u64>) -> Result<(), ScenarioError> {
    match v {
        Some(v) if v > MAX_RATE => {
            Err(ScenarioError::invalid(field, format!("must be from 0 (unlimited) to {MAX_RATE}, got {v}")))
        }
        _ => Ok(()),
    }
}

impl NetworkSpec {
    /// Checks every network field for a group of `size` nodes; the error names the first bad
    /// field by its dotted path.
    pub fn validate(&self, size: u32) -> Result<(), ScenarioError> {
        self.validate_global()?;
        if let Some(r) = &self.regions {
            r.validate(size)?;
        }
        if let Some(b) = &self.burst {
            b.validate(self.loss)?;
        }
        validate_nodes(&self.nodes, size)?;
        validate_links(&self.links, size)?;
        if self.partitions.len() > MAX_PARTITIONS {
            return Err(ScenarioError::invalid(
                "network.partitions",
                format!("at most {MAX_PARTITIONS} partitions, got {}", self.partitions.len()),
            ));
        }
        for (i, p) in self.partitions.iter().enumerate() {
            p.validate(&format!("network.partitions[{i}]"), size)?;
        }
        self.mode.validate()
    }

    /// The settings every node shares: latency, jitter, loss, rates and queues.
    fn validate_global(&self) -> Result<(), ScenarioError> {
        ms("network.latency_ms", self.latency_ms, MAX_MS)?;
        ms("network.distance_ms", self.distance_ms, MAX_MS)?;
        ms("network.jitter_ms", self.jitter_ms, MAX_MS)?;
        ms("network.transport_timeout_ms", self.transport_timeout_ms, MAX_MS)?;
        probability("network.loss", self.loss)?;
        rate("network.uplink_bytes_per_sec", Some(self.uplink_bytes_per_sec))?;
        rate("network.downlink_bytes_per_sec", Some(self.downlink_bytes_per_sec))?;
        rate("network.uplink_queue_bytes", self.uplink_queue_bytes)?;
        rate("network.downlink_queue_bytes", self.downlink_queue_bytes)
    }
}

impl BurstSpec {
    /// Its four probabilities; the independent `loss` (given as `loss`) must then be 0.
    fn validate(&self, loss: f64) -> Result<(), ScenarioError> {
        probability("network.burst.p_good_to_bad", self.p_good_to_bad)?;
        probability("network.burst.p_bad_to_good", self.p_bad_to_good)?;
        probability("network.burst.loss_good", self.loss_good)?;
        probability("network.burst.loss_bad", self.loss_bad)?;
        if loss != 0.0 {
            return Err(ScenarioError::invalid(
                "network.loss",
                "must be 0 when network.burst is set: the burst model gives the loss rate",
            ));
        }
        Ok(())
    }
}

/// `network.nodes`: each entry's fields, then no node twice (naming the later entry).
fn validate_nodes(nodes: &[NodeNetSpec], size: u32) -> Result<(), ScenarioError> {
    let mut seen: Vec<(u32, usize)> = Vec::with_capacity(nodes.len());
    for (i, o) in nodes.iter().enumerate() {
        o.validate(&format!("network.nodes[{i}]"), size)?;
        seen.push((o.node, i));
    }
    seen.sort_unstable();
    if let Some((x, y)) = seen.iter().zip(seen.iter().skip(1)).find(|(x, y)| x.0 == y.0) {
        let (first, again) = (x.1.min(y.1), x.1.max(y.1));
        return Err(ScenarioError::invalid(
            format!("network.nodes[{again}].node"),
            format!("node {} already has an entry at network.nodes[{first}]", x.0),
        ));
    }
    Ok(())
}

impl NodeNetSpec {
    /// One override's fields, named under `at`.
    fn validate(&self, at: &str, size: u32) -> Result<(), ScenarioError> {
        node(&format!("{at}.node"), self.node, size)?;
        rate(&format!("{at}.uplink_bytes_per_sec"), self.uplink_bytes_per_sec)?;
        rate(&format!("{at}.downlink_bytes_per_sec"), self.downlink_bytes_per_sec)?;
        rate(&format!("{at}.uplink_queue_bytes"), self.uplink_queue_bytes)?;
        rate(&format!("{at}.downlink_queue_bytes"), self.downlink_queue_bytes)?;
        for (name, v) in [("send_loss", self.send_loss), ("recv_loss", self.recv_loss)] {
            if let Some(v) = v {
                probability(&format!("{at}.{name}"), v)?;
            }
        }
        Ok(())
    }
}

/// `network.links`: each link's ends and loss, then no directed link twice (naming the later).
fn validate_links(links: &[LinkSpec], size: u32) -> Result<(), ScenarioError> {
    let mut pairs: Vec<(u32, u32, usize)> = Vec::with_capacity(links.len());
    for (i, l) in links.iter().enumerate() {
        node(&format!("network.links[{i}].from"), l.from, size)?;
        node(&format!("network.links[{i}].to"), l.to, size)?;
        probability(&format!("network.links[{i}].loss"), l.loss)?;
        pairs.push((l.from, l.to, i));
    }
    pairs.sort_unstable();
    if let Some((x, y)) = pairs.iter().zip(pairs.iter().skip(1)).find(|(x, y)| (x.0, x.1) == (y.0, y.1)) {
        let (first, again) = (x.2.min(y.2), x.2.max(y.2));
        return Err(ScenarioError::invalid(
            format!("network.links[{again}]"),
            format!("the link {} -> {} is already set at network.links[{first}]", x.0, x.1),
        ));
    }
    Ok(())
}

impl NetworkMode {
    /// A round must be finite and at least a microsecond.
    fn validate(&self) -> Result<(), ScenarioError> {
        if let NetworkMode::Rounds { round_ms } = *self {
            ms("network.mode.rounds.round_ms", round_ms, MAX_MS)?;
            if round_ms < 0.001 {
                return Err(ScenarioError::invalid(
                    "network.mode.rounds.round_ms",
                    format!("must be at least 0.001 (one microsecond), got {round_ms}"),
                ));
            }
        }
        Ok(())
    }
}

impl RegionsSpec {
    /// How the regions are placed, then their latencies.
    fn validate(&self, size: u32) -> Result<(), ScenarioError> {
        self.validate_placement(size)?;
        ms("network.regions.lan_ms", self.lan_ms, MAX_MS)?;
        match &self.wan_ms {
            WanLatency::Uniform(v) => ms("network.regions.wan_ms", *v, MAX_MS),
            WanLatency::Matrix(rows) => validate_wan_matrix(rows, self.region_count() as usize),
        }
    }

    /// Either `count` sectors or `of`, a region per node, in range.
    fn validate_placement(&self, size: u32) -> Result<(), ScenarioError> {
        match (&self.count, &self.of) {
            (Some(_), Some(_)) => Err(ScenarioError::invalid(
                "network.regions",
                "give either count (sectors of the unit square) or of (a region per node), not both",
            )),
            (None, None) => Err(ScenarioError::invalid(
                "network.regions",
                "needs count (sectors of the unit square) or of (a region per node)",
            )),
            (Some(k), None) if *k == 0 || *k > MAX_REGIONS => Err(ScenarioError::invalid(
                "network.regions.count",
                format!("must be from 1 to {MAX_REGIONS}, got {k}"),
            )),
            (Some(_), None) => Ok(()),
            (None, Some(of)) => {
                if of.len() != size as usize {
                    return Err(ScenarioError::invalid(
                        "network.regions.of",
                        format!("needs one region per node: {size} nodes, {} regions", of.len()),
                    ));
                }
                match of.iter().enumerate().find(|(_, &r)| r >= MAX_REGIONS) {
                    Some((i, r)) => Err(ScenarioError::invalid(
                        format!("network.regions.of[{i}]"),
                        format!("regions are numbered 0 to {}, got {r}", MAX_REGIONS - 1),
                    )),
                    None => Ok(()),
                }
            }
        }
    }
}

/// `network.regions.wan_ms` as a matrix: `k` rows of `k` latencies.
fn validate_wan_matrix(rows: &[Vec<f64>], k: usize) -> Result<(), ScenarioError> {
    if rows.len() != k {
        return Err(ScenarioError::invalid(
            "network.regions.wan_ms",
            format!("needs {k} rows, one per region, got {}", rows.len()),
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        if row.len() != k {
            return Err(ScenarioError::invalid(
                format!("network.regions.wan_ms[{i}]"),
                format!("needs {k} entries, one per region, got {}", row.len()),
            ));
        }
        for (j, v) in row.iter().enumerate() {
            ms(&format!("network.regions.wan_ms[{i}][{j}]"), *v, MAX_MS)?;
        }
    }
    Ok(())
}

impl PartitionSpec {
    fn validate(&self, at: &str, size: u32) -> Result<(), ScenarioError> {
        ms(&format!("{at}.from_ms"), self.from_ms, MAX_MS)?;
        ms(&format!("{at}.to_ms"), self.to_ms, MAX_MS)?;
        if self.to_ms <= self.from_ms {
            return Err(ScenarioError::invalid(
                format!("{at}.to_ms"),
                format!("must be after from_ms ({}), got {}", self.from_ms, self.to_ms),
            ));
        }
        if self.a.is_empty() {
            return Err(ScenarioError::invalid(format!("{at}.a"), "must name at least one node"));
        }
        for (i, &v) in self.a.iter().enumerate() {
            node(&format!("{at}.a[{i}]"), v, size)?;
        }
        if let Some(b) = &self.b {
            if b.is_empty() {
                return Err(ScenarioError::invalid(
                    format!("{at}.b"),
                    "must name at least one node (leave b out for every node not in a)",
                ));
            }
            let mut a = self.a.clone();
            a.sort_unstable();
            for (i, &v) in b.iter().enumerate() {
                node(&format!("{at}.b[{i}]"), v, size)?;
                if a.binary_search(&v).is_ok() {
                    return Err(ScenarioError::invalid(
                        format!("{at}.b[{i}]"),
                        format!("node {v} is also in a: a node cannot be on both sides"),
                    ));
                }
            }
        }
        Ok(())
    }
}
