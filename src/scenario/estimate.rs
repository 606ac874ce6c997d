//! What a run is expected to cost, before it starts: events, packets and memory, from the whole
//! scenario (joiners and churn, periodic traffic, timers) and each family's own terms
//! ([`crate::protocols::Family::load`]); a scenario whose estimate passes its limits is refused
//! with one line naming the field that drives it (`docs/architecture.md`, bounded runs).

use super::limits::Limits;
use super::{FaultSpec, NetworkMode, NetworkSpec, Scenario, ScenarioError, Service, WanLatency};
use crate::protocol::Stack;
use crate::protocols::hyparview::{self, HyParView, HyParViewConfig};
use crate::protocols::swim::{self, Swim, SwimConfig};
use crate::protocols::{Family, InformedCurve, Load, RunInfo, Visit};
use crate::sim::world::queued_bytes;

/// Kernel and metrics state per node besides the protocol's own (measured: 346 bytes per node in
/// all at 1,000,000 nodes with a 64-byte protocol struct), rounded up.
const KERNEL_NODE_BYTES: u64 = 320;
/// Per message: its record and its send time.
const MESSAGE_BYTES: u64 = 64;
/// Per delivery: its latency, kept for the percentiles.
const DELIVERY_BYTES: u64 = 8;

/// A run's expected cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Packets sent.
    pub packets: u64,
    /// Events the kernel processes: arrivals, timers, application sends, faults, notices.
    pub events: u64,
    /// Peak memory (bytes): the nodes' state, the metrics, the event queue at its fullest.
    pub memory_bytes: u64,
    /// The terms, as the family and the scenario estimate them.
    pub loads: Vec<Load>,
}

impl Scenario {
    /// What the protocol's checks and estimate know of the scenario, with `joiners` drawn.
    pub(super) fn run_info(&self, joiners: u32) -> RunInfo {
        let recoveries = self.faults.iter().filter(|f| matches!(f, FaultSpec::Recover { .. })).count();
        let (messages, span_ms, gap_ms) = self.workload_shape();
        let latency_ms = typical_latency(&self.network);
        let size = self.group.size;
        let receivers = u64::from(size.saturating_sub(1)) + u64::from(joiners);
        // In rounds a packet takes one round whatever its size (no bandwidth).
        let drain_ms = match (&self.network.mode, self.network.uplink_bytes_per_sec) {
            (NetworkMode::Rounds { .. }, _) | (_, 0) => 0.0,
            (_, rate) => {
                receivers as f64 * f64::from(self.workload.size_bytes.saturating_add(40)) * 1000.0 / rate as f64
            }
        };
        // Messages overlap while one's copies cross the network; when an uplink drains a message
        // slower than the workload sends them, the backlog grows until the last send.
        let crossing = if gap_ms > 0.0 { ((drain_ms + 2.0 * latency_ms) / gap_ms).ceil() } else { f64::INFINITY };
        let backlog = if drain_ms > gap_ms { messages as f64 * (1.0 - gap_ms / drain_ms) } else { 0.0 };
        let concurrent = (crossing.max(backlog).min(1e15) as u64).saturating_add(1).clamp(1, messages.max(1));
        RunInfo {
            size,
            joiners,
            senders: self.workload.senders(&self.group),
            messages,
            message_bytes: self.workload.size_bytes,
            span_ms,
            concurrent,
            queue_delay_ms: (drain_ms * concurrent as f64).min(self.duration_ms),
            native_multicast: self.network.native_multicast,
            duration_ms: self.duration_ms,
            lives: u64::from(size) + u64::from(joiners) + recoveries as u64,
            fault_entries: self.faults.len() as u64,
            loss: worst_loss(&self.network),
            latency_ms,
            round_ms: match self.network.mode {
                NetworkMode::Rounds { round_ms } => Some(round_ms),
                NetworkMode::Async => None,
            },
        }
    }

    /// Messages, the time from the first to the last, and the gap between two (milliseconds).
    fn workload_shape(&self) -> (u64, f64, f64) {
        let messages = self.workload.message_count();
        let gap = match &self.workload.stream {
            Some(st) => 1000.0 / st.rate_per_sec,
            None => self.workload.interval_ms,
        };
        let span = (gap * messages.saturating_sub(1) as f64).min(self.duration_ms - self.workload.start_ms);
        (messages, span.max(0.0), gap)
    }

    /// The run's expected cost with `joiners` joining (see [`Estimate`]).
    pub fn estimate(&self, joiners: u32) -> Estimate {
        self.estimate_for(&self.run_info(joiners))
    }

    /// What the protocol's epidemic model expects of one message: the fraction of live members
    /// informed after each step ([`Family::informed_model`]); `None` if the family has no model.
    pub fn informed_model(&self) -> Option<InformedCurve> {
        self.protocol.visit(Model { run: &self.run_info(0) })
    }

    /// The run's expected cost for what `run` says of it.
    fn estimate_for(&self, run: &RunInfo) -> Estimate {
        let mut loads = self.protocol.visit(Loads { run });
        loads.extend(self.scenario_loads(run));
        let packets = loads.iter().map(|l| l.packets).fold(0, u64::saturating_add);
        let timers = loads.iter().map(|l| l.timers).fold(0, u64::saturating_add);
        let arrivals = if self.network.downlink_bytes_per_sec > 0 { packets.saturating_mul(2) } else { packets };
        let events = arrivals.saturating_add(timers);
        let memory_bytes = self.memory(run, &loads);
        Estimate { packets, events, memory_bytes, loads }
    }

    /// The kernel's own terms: application sends, faults, the membership service's notices (or
    /// SWIM's probes).
    fn scenario_loads(&self, run: &RunInfo) -> Vec<Load> {
        let m = run.messages as f64;
        let changes = (run.lives - u64::from(run.size)) as f64 * 2.0 + run.fault_entries as f64;
        let notices = if self.membership.service == Service::Oracle { changes * run.lives as f64 } else { 0.0 };
        let mut loads = vec![
            Load::timers("workload.messages", "application sends: one per message", m, m),
            Load::timers("faults", "faults: one per entry, two per joiner or recovery", changes, changes),
            Load::timers("membership.service", "notices: one per change to every node", notices, run.lives as f64),
        ];
        if let Some(swim) = self.membership.swim() {
            loads.extend(swim_loads(&swim, run, changes));
        }
        if let Some(hpv) = self.membership.hyparview() {
            loads.extend(hyparview_loads(&hpv, run, changes));
        }
        loads
    }

    /// Peak memory: the nodes, the metrics (a delivery bit per node per message, a latency per
    /// delivery) and the event queue at its fullest.
    fn memory(&self, run: &RunInfo, loads: &[Load]) -> u64 {
        let capacity = u64::from(run.size) + u64::from(run.joiners);
        let swim = self.membership.service == Service::Swim;
        let hyparview = self.membership.hyparview();
        let (node, entry) = self.protocol.visit(NodeBytes { run, swim, hyparview });
        let node = KERNEL_NODE_BYTES.saturating_add(node);
        let deliveries = run.messages.saturating_mul(run.receivers());
        let queued = loads.iter().map(|l| l.queued).fold(0, u64::saturating_add);
        capacity
            .saturating_mul(node)
            .saturating_add(run.messages.saturating_mul(capacity.div_ceil(8).saturating_add(MESSAGE_BYTES)))
            .saturating_add(deliveries.saturating_mul(DELIVERY_BYTES))
            .saturating_add(queued.saturating_mul(entry))
    }

    /// Refuses a run whose estimate passes `limits`, naming the field that drives it.
    pub(super) fn check_budget(&self, run: &RunInfo, limits: &Limits) -> Result<(), ScenarioError> {
        let e = self.estimate_for(run);
        let hint = if limits.max_events < Limits::NATIVE.max_events {
            "; the native CLI (`mcast run`) allows more"
        } else {
            "; `mcast run --budget EVENTS` raises the event budget"
        };
        if e.events > limits.max_events {
            let top = biggest(&e.loads, |l| l.packets.saturating_add(l.timers));
            return Err(ScenarioError::invalid(
                top.field,
                format!(
                    "this run is expected to take {} events, more than the {} a run may ({}: {}){hint}",
                    e.events,
                    limits.max_events,
                    top.what,
                    top.packets.saturating_add(top.timers)
                ),
            ));
        }
        if e.memory_bytes > limits.max_memory_bytes {
            let top = biggest(&e.loads, |l| l.queued);
            let queued: u64 = e.loads.iter().map(|l| l.queued).fold(0, u64::saturating_add);
            let field = if top.queued.saturating_mul(2) > queued && queued > u64::from(self.group.size) {
                top.field
            } else {
                "group.size"
            };
            return Err(ScenarioError::invalid(
                field,
                format!(
                    "this run is expected to need {} MiB, more than the {} MiB a run may (nodes, metrics and up to {} \
                     packets and timers under way at once; {}: {} at once){}",
                    e.memory_bytes >> 20,
                    limits.max_memory_bytes >> 20,
                    e.loads.iter().map(|l| l.queued).fold(0, u64::saturating_add),
                    top.what,
                    top.queued,
                    if limits.max_memory_bytes < Limits::NATIVE.max_memory_bytes {
                        "; the native CLI (`mcast run`) allows more"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(())
    }
}

/// The term with the most of `by`.
fn biggest(loads: &[Load], by: impl Fn(&Load) -> u64) -> &Load {
    loads.iter().max_by_key(|l| by(l)).expect("every estimate has terms")
}

/// The worst loss probability a packet may meet.
fn worst_loss(net: &NetworkSpec) -> f64 {
    let nodes = net.nodes.iter().flat_map(|n| [n.send_loss, n.recv_loss]).flatten();
    let links = net.links.iter().map(|l| l.loss);
    let burst = net.burst.as_ref().map(|b| b.mean_loss());
    nodes.chain(links).chain(burst).fold(net.loss, f64::max).clamp(0.0, 1.0)
}

/// A typical one-way latency (milliseconds): the model's base, half the square's width of
/// distance, half the jitter; with regions, the slowest link between them.
fn typical_latency(net: &NetworkSpec) -> f64 {
    if let NetworkMode::Rounds { round_ms } = net.mode {
        return round_ms;
    }
    let base = match &net.regions {
        Some(r) => match &r.wan_ms {
            WanLatency::Uniform(w) => w.max(r.lan_ms),
            WanLatency::Matrix(m) => m.iter().flatten().fold(r.lan_ms, |a, &b| a.max(b)),
        },
        None => net.latency_ms + net.distance_ms / 2.0,
    };
    base + net.jitter_ms / 2.0
}

/// A family's terms.
struct Loads<'a> {
    run: &'a RunInfo,
}

impl Visit for Loads<'_> {
    type Output = Vec<Load>;
    fn visit<F: Family>(self, params: &F::Params) -> Vec<Load> {
        F::load(params, self.run)
    }
}

/// SWIM's terms (`crate::protocols::swim`): every node, every period, a ping and its ack, and
/// when either is lost k ping-reqs, each a ping, an ack and a relayed ack; a period timer and a
/// ping timer per node per period; a suspicion timer per member per change.
fn swim_loads(swim: &SwimConfig, run: &RunInfo, changes: f64) -> Vec<Load> {
    let node_periods = run.lives as f64 * run.periods(swim.period.as_ms_f64()) as f64;
    let lost = 1.0 - (1.0 - run.loss).powi(2);
    let k = f64::from(swim.k);
    let packets = node_periods * (2.0 + lost * 4.0 * k);
    let timers = node_periods * (2.0 + lost * k) + changes * run.lives as f64;
    let at_once = run.lives as f64 * (2.0 + 2.0 * lost * k);
    vec![
        Load::packets(
            "membership.period_ms",
            "SWIM probes: per node per period a ping and an ack, 4k more when one is lost",
            packets,
            at_once,
        ),
        Load::timers(
            "membership.period_ms",
            "SWIM timers: per node per period two, k more on a loss; a suspicion per change per node",
            timers,
            at_once,
        ),
    ]
}

/// HyParView's terms (`crate::protocols::hyparview`): each node's join, a JOIN and its answer
/// and a FORWARD_JOIN walk of at most ARWL + 1 hops to each of the contact's active peers, each
/// ending in a NEIGHBOR, its answer and perhaps a DISCONNECT; per node per shuffle period a walk
/// of ARWL hops, its reply and a refill request and answer; per change, each of the node's
/// active peers repairing with a few NEIGHBOR requests and the transport's notices.
fn hyparview_loads(hpv: &HyParViewConfig, run: &RunInfo, changes: f64) -> Vec<Load> {
    let node_periods = run.lives as f64 * run.periods(hpv.shuffle_period.as_ms_f64()) as f64;
    let (active, walk) = (f64::from(hpv.active), f64::from(hpv.arwl));
    let joins = run.lives as f64 * (2.0 + active * (walk + 4.0));
    let packets = joins + node_periods * (walk + 3.0) + changes * active * 8.0;
    let timers = run.lives as f64 * 2.0 + node_periods * 2.0 + changes * active * 4.0;
    let at_once = run.lives as f64 * (active + 2.0);
    vec![
        Load::packets(
            "membership.shuffle_period_ms",
            "HyParView: joins' walks, shuffles' walks and replies, neighbour requests on repairs",
            packets,
            at_once,
        ),
        Load::timers(
            "membership.shuffle_period_ms",
            "HyParView timers: a join and a shuffle per node per period, request time-outs, transport notices",
            timers,
            at_once,
        ),
    ]
}

/// A family's epidemic model.
struct Model<'a> {
    run: &'a RunInfo,
}

impl Visit for Model<'_> {
    type Output = Option<InformedCurve>;
    fn visit<F: Family>(self, params: &F::Params) -> Option<InformedCurve> {
        F::informed_model(params, self.run)
    }
}

/// A family's bytes per node, and per event waiting in the kernel's queue (under SWIM if
/// `swim`: its member list at every node, its packets wrapping the family's).
struct NodeBytes<'a> {
    run: &'a RunInfo,
    swim: bool,
    hyparview: Option<HyParViewConfig>,
}

impl Visit for NodeBytes<'_> {
    type Output = (u64, u64);
    fn visit<F: Family>(self, params: &F::Params) -> (u64, u64) {
        let node = (std::mem::size_of::<F::Protocol>() as u64).saturating_add(F::node_bytes(params, self.run));
        if self.swim {
            let nodes = u64::from(self.run.size) + u64::from(self.run.joiners);
            let stacked = std::mem::size_of::<Stack<Swim, F::Protocol>>() as u64;
            let node = stacked.saturating_add(F::node_bytes(params, self.run)).saturating_add(swim::node_bytes(nodes));
            return (node, queued_bytes::<Stack<Swim, F::Protocol>>());
        }
        if let Some(hpv) = &self.hyparview {
            let stacked = std::mem::size_of::<Stack<HyParView, F::Protocol>>() as u64;
            let own = hyparview::node_bytes(hpv, self.run.senders.len() as u64);
            let node = stacked.saturating_add(F::node_bytes(params, self.run)).saturating_add(own);
            return (node, queued_bytes::<Stack<HyParView, F::Protocol>>());
        }
        (node, queued_bytes::<F::Protocol>())
    }
}
