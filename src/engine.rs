//! A scenario turned into a running simulation, behind one object-safe interface.
//!
//! [`build`] picks the protocol the scenario names and returns a [`Simulation`]; the CLI, the page
//! and the tests drive every protocol through it without knowing which one runs.

use crate::metrics::{Chart, Counters, Report};
use crate::protocol::{GroupInfo, MsgId, NodeId, OverlayEdge, PacketKind, Protocol, Stack, StackConfig};
use crate::protocols::hyparview::{HyParView, HyParViewConfig};
use crate::protocols::swim::{Swim, SwimConfig};
use crate::protocols::{Family, Visit};
use crate::scenario::{Limits, Scenario, ScenarioError};
use crate::sim::budget::Stop;
use crate::sim::faults::Status;
use crate::sim::log::PacketRecord;
pub use crate::sim::world::{NodeView, PendingTimer};
use crate::sim::world::{Setup, World};
use crate::time::{SimDuration, SimTime};

/// How a node looks in the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// A node that sends the workload.
    Sender,
    /// Has delivered no message yet (in an epidemic, *susceptible*).
    Waiting,
    /// Holds a message and is still spreading it ([`Protocol::is_infective`]: an epidemic's
    /// *infective* node). A node that holds messages but has stopped spreading them (*removed*)
    /// shows as [`NodeState::Partial`] or [`NodeState::Done`].
    Infective,
    /// Has delivered some of the messages.
    Partial,
    /// Has delivered every message.
    Done,
    /// Has crashed.
    Crashed,
    /// Is paused (keeps its state, handles nothing).
    Paused,
    /// Is not a member: has not joined yet, or has left.
    Absent,
}

/// A packet on the wire as the view draws it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlightView {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// How far along, 0 at the sender, 1 at the receiver.
    pub progress: f32,
    /// Its kind.
    pub kind: PacketKind,
    /// Whether it will be lost (the view fades it out half-way).
    pub lost: bool,
}

/// A running simulation of some protocol.
pub trait Simulation {
    /// The current simulated time.
    fn now(&self) -> SimTime;
    /// When the run stops at the latest.
    fn end(&self) -> SimTime;
    /// Whether nothing is left to happen.
    fn is_done(&self) -> bool;
    /// Processes every event up to `t`.
    fn run_until(&mut self, t: SimTime);
    /// Runs to the end.
    fn run_to_end(&mut self);
    /// Processes at most `max_events` events, stopping at the end; returns how many it processed.
    /// Calling it until [`Simulation::is_done`] gives exactly [`Simulation::run_to_end`]'s run, in
    /// chunks (for a progress bar).
    fn run_steps(&mut self, max_events: u64) -> u64;
    /// [`Simulation::run_until`] in slices: at most `max_events` events; true once the run has
    /// reached `t` (or its end, or its budget). Calling it until true gives `run_until(t)`'s run.
    fn run_until_bounded(&mut self, t: SimTime, max_events: u64) -> bool;
    /// Starts recording the report's time series in buckets of `bucket` (call it before running);
    /// returns the width used, wider than asked if the run would need more than
    /// [`crate::metrics::MAX_BUCKETS`] buckets.
    fn record_series(&mut self, bucket: SimDuration) -> SimDuration;
    /// [`Simulation::run_until`] `t`, but processing at most `max_events` events: true if it got
    /// to `t` (or the end), false if it stopped short (call it again to go on). The events are
    /// the same, in the same order, as one `run_until(t)`; once nothing is left, the clock stays
    /// at the last event, as after [`Simulation::run_to_end`] (so the report is the CLI's).
    fn run_until_within(&mut self, t: SimTime, max_events: u64) -> bool;
    /// The latency of every first delivery so far in ms at `points` evenly spaced quantiles
    /// (see [`crate::metrics::Metrics::latency_quantiles_ms`]).
    fn latency_quantiles_ms(&self, points: usize) -> Vec<f64>;
    /// Each node's packets sent and received so far, in node order
    /// (see [`crate::metrics::Metrics::node_packets`]).
    fn node_packets(&self) -> Vec<crate::metrics::NodePackets>;
    /// Processes the next event if one is due before the end; false if nothing is left. Lets a
    /// caller bound the work it does at once (a burst of packets at one instant is one time).
    fn step(&mut self) -> bool;
    /// The counters the page polls.
    fn counters(&self) -> Counters;
    /// Deliveries made and owed as of now, as the report counts them (churn and crashes
    /// included): (made, owed).
    fn owed(&self) -> (u64, u64);
    /// The full report as of now.
    fn report(&self) -> Report;
    /// The time series so far in at most `columns` columns, if recording it
    /// ([`Simulation::record_series`]).
    fn chart(&self, columns: usize) -> Option<Chart>;
    /// The trace hash so far.
    fn trace_hash(&self) -> String;
    /// Why the run stopped before its end, if it spent its budget.
    fn stopped(&self) -> Option<Stop>;
    /// The most events that have waited at once so far ([`World::queue_peak`]): packets on the
    /// wire and in queues, timers and scheduled sends.
    fn queue_peak(&self) -> usize;
    /// Node positions in the unit square.
    fn positions(&self) -> &[[f64; 2]];
    /// Each node's state, written into `out` (cleared first). A live node other than a sender
    /// that its protocol calls infective ([`Protocol::is_infective`]) is
    /// [`NodeState::Infective`], whatever it has delivered.
    fn node_states(&self, out: &mut Vec<NodeState>);
    /// Turns recording of packets in flight on or off.
    fn set_recording(&mut self, on: bool);
    /// The packets on the wire now, written into `out` (cleared first); needs recording on.
    fn flights(&mut self, out: &mut Vec<FlightView>);
    /// Each node's upstream in the protocol's structure ([`Protocol::upstream`]: tree parent,
    /// designated receiver), written into `out` (cleared first); [`NO_UPSTREAM`] for none or for
    /// a node that is not up.
    fn upstreams(&self, out: &mut Vec<NodeId>);
    /// Every up node's overlay links ([`Protocol::overlay`]: active views, eager and lazy links,
    /// mesh), written into `out` (cleared first), node by node in id order, each node's in the
    /// order the protocol gives them; nothing for a node that is not up.
    fn overlay(&self, out: &mut Vec<OverlayEdge>);
    /// A copy of the whole run as it stands: running the copy and this run on gives the same
    /// trace and report. The page's timeline keeps such copies to seek back in time.
    fn checkpoint(&self) -> Box<dyn Simulation>;
    /// Turns the packet log on or off ([`crate::sim::log`]): off by default, it changes nothing
    /// in the run (trace hash included); turn it on before running to log every packet. Turning
    /// it off drops what it holds.
    fn set_packet_log(&mut self, on: bool);
    /// The packets logged so far, in send order (empty while the log is off): the first
    /// [`crate::sim::log::PacketLog::CAPACITY`] of the run.
    fn packet_log(&self) -> &[PacketRecord];
    /// How many packets were sent after the log was full, and so are not in it.
    fn packet_log_overflow(&self) -> u64;
    /// Node `node` as the inspector shows it ([`World::inspect`]); `None` for a node the run
    /// does not have. The packet counts and latest packets need the packet log on.
    fn inspect(&self, node: NodeId) -> Option<NodeView>;
    /// How many messages the workload has.
    fn message_count(&self) -> u32;
    /// Message `id`'s sender, if the workload has it.
    fn message_sender(&self, id: MsgId) -> Option<NodeId>;
}

/// The value [`Simulation::upstreams`] gives a node without an upstream.
pub const NO_UPSTREAM: NodeId = NodeId::MAX;

#[derive(Clone)]
struct Run<P: Protocol> {
    world: World<P>,
    senders: Vec<bool>,
}

impl<P: Protocol + 'static> Simulation for Run<P> {
    fn now(&self) -> SimTime {
        self.world.now()
    }
    fn end(&self) -> SimTime {
        self.world.end()
    }
    fn is_done(&self) -> bool {
        self.world.is_done()
    }
    fn run_until(&mut self, t: SimTime) {
        self.world.run_until(t);
    }
    fn run_to_end(&mut self) {
        self.world.run_to_end();
    }
    fn run_steps(&mut self, max_events: u64) -> u64 {
        let mut done = 0;
        while done < max_events && !self.world.is_done() {
            self.world.step();
            done += 1;
        }
        done
    }
    fn run_until_bounded(&mut self, t: SimTime, max_events: u64) -> bool {
        self.world.run_until_bounded(t, max_events)
    }
    fn run_until_within(&mut self, t: SimTime, max_events: u64) -> bool {
        let reached = self.world.run_events_until(t, max_events);
        // A run with nothing left keeps its clock at its last event, as `run_to_end` does.
        if reached && !self.world.is_done() {
            self.world.run_until(t);
        }
        reached
    }
    fn latency_quantiles_ms(&self, points: usize) -> Vec<f64> {
        self.world.metrics().latency_quantiles_ms(points)
    }
    fn node_packets(&self) -> Vec<crate::metrics::NodePackets> {
        self.world.metrics().node_packets()
    }
    fn record_series(&mut self, bucket: SimDuration) -> SimDuration {
        self.world.record_series(bucket)
    }
    fn step(&mut self) -> bool {
        !self.world.is_done() && self.world.step()
    }
    fn counters(&self) -> Counters {
        self.world.counters()
    }
    fn owed(&self) -> (u64, u64) {
        self.world.owed()
    }
    fn chart(&self, columns: usize) -> Option<Chart> {
        self.world.chart(columns)
    }
    fn report(&self) -> Report {
        self.world.report()
    }
    fn trace_hash(&self) -> String {
        self.world.trace_hash()
    }
    fn stopped(&self) -> Option<Stop> {
        self.world.stopped()
    }
    fn queue_peak(&self) -> usize {
        self.world.queue_peak()
    }
    fn positions(&self) -> &[[f64; 2]] {
        self.world.positions()
    }
    fn node_states(&self, out: &mut Vec<NodeState>) {
        out.clear();
        let m = self.world.metrics();
        let total = m.message_count();
        out.extend((0..self.senders.len()).map(|i| {
            let got = m.delivered_by(i as NodeId);
            match self.world.status(i as NodeId) {
                Status::Up => {}
                Status::Crashed => return NodeState::Crashed,
                Status::Paused => return NodeState::Paused,
                Status::Absent | Status::Left => return NodeState::Absent,
            }
            match () {
                _ if self.senders[i] => NodeState::Sender,
                _ if self.world.node(i as NodeId).is_infective() => NodeState::Infective,
                _ if got == 0 => NodeState::Waiting,
                _ if got >= total => NodeState::Done,
                _ => NodeState::Partial,
            }
        }));
    }
    fn set_recording(&mut self, on: bool) {
        self.world.set_recording(on);
    }
    fn flights(&mut self, out: &mut Vec<FlightView>) {
        out.clear();
        let now = self.world.now();
        out.extend(self.world.flights().iter().filter(|f| f.depart <= now).map(|f| {
            let span = f.arrive.since(f.depart).0.max(1) as f32;
            FlightView {
                from: f.from,
                to: f.to,
                progress: (now.since(f.depart).0 as f32 / span).min(1.0),
                kind: f.kind,
                lost: f.lost,
            }
        }));
    }
    fn upstreams(&self, out: &mut Vec<NodeId>) {
        out.clear();
        let alive = self.world.alive();
        out.extend((0..alive.len() as NodeId).map(|n| {
            if alive[n as usize] {
                self.world.node(n).upstream().unwrap_or(NO_UPSTREAM)
            } else {
                NO_UPSTREAM
            }
        }));
    }
    fn overlay(&self, out: &mut Vec<OverlayEdge>) {
        out.clear();
        let mut links = Vec::new();
        for (n, up) in self.world.alive().iter().enumerate() {
            if !*up {
                continue;
            }
            links.clear();
            self.world.node(n as NodeId).overlay(&mut links);
            out.extend(links.iter().map(|&(to, link)| OverlayEdge { from: n as NodeId, to, link }));
        }
    }
    fn checkpoint(&self) -> Box<dyn Simulation> {
        Box::new(self.clone())
    }
    fn set_packet_log(&mut self, on: bool) {
        self.world.set_packet_log(on);
    }
    fn packet_log(&self) -> &[PacketRecord] {
        self.world.packet_log().map_or(&[], |log| log.records())
    }
    fn packet_log_overflow(&self) -> u64 {
        self.world.packet_log().map_or(0, |log| log.overflow())
    }
    fn inspect(&self, node: NodeId) -> Option<NodeView> {
        self.world.inspect(node)
    }
    fn message_count(&self) -> u32 {
        self.world.metrics().message_count()
    }
    fn message_sender(&self, id: MsgId) -> Option<NodeId> {
        self.world.metrics().message(id).map(|m| m.0)
    }
}

/// Validates `scenario` against the native limits, compiles it and starts a simulation of it.
pub fn build(scenario: &Scenario) -> Result<Box<dyn Simulation>, ScenarioError> {
    build_with(scenario, &Limits::NATIVE)
}

/// Validates `scenario` against `limits` and starts a simulation of it within their budget.
pub fn build_with(scenario: &Scenario, limits: &Limits) -> Result<Box<dyn Simulation>, ScenarioError> {
    let setup = scenario.compile(limits)?.into_setup();
    Ok(start_setup(scenario, setup))
}

/// Starts a simulation of `scenario`'s protocol from `setup`, which the caller compiled from it
/// and may have changed (tests give it a budget of their own).
pub fn start_setup(scenario: &Scenario, setup: Setup) -> Box<dyn Simulation> {
    let (swim, hyparview) = (scenario.membership.swim(), scenario.membership.hyparview());
    scenario.protocol.visit(Start { setup, swim, hyparview })
}

/// What every node of family `F` is built with in scenario `s`: `params` resolved for the
/// scenario's group (a tree's root, RMTP's designated receivers).
pub fn configure<F: Family>(s: &Scenario, params: &F::Params) -> <F::Protocol as Protocol>::Config {
    let senders = s.workload.senders(&s.group);
    let group = GroupInfo { size: s.group.size, senders, native_multicast: s.network.native_multicast };
    F::configure(params, &group)
}

/// Starts the run of a family's protocol from a setup, under SWIM or HyParView if the scenario
/// names it as its membership service.
struct Start {
    setup: Setup,
    swim: Option<SwimConfig>,
    hyparview: Option<HyParViewConfig>,
}

impl Visit for Start {
    type Output = Box<dyn Simulation>;
    fn visit<F: Family>(self, params: &F::Params) -> Box<dyn Simulation> {
        let config = F::configure(params, &self.setup.group());
        if let Some(layer) = self.hyparview {
            let config = StackConfig { layer, inner: config };
            return Box::new(start::<Stack<HyParView, F::Protocol>>(self.setup, &config));
        }
        match self.swim {
            None => Box::new(start::<F::Protocol>(self.setup, &config)),
            Some(layer) => {
                let config = StackConfig { layer, inner: config };
                Box::new(start::<Stack<Swim, F::Protocol>>(self.setup, &config))
            }
        }
    }
}

/// What the kernel runs for `s`, checked against the native limits and compiled
/// ([`Scenario::compile`]): the network over every node's position, the workload's messages, and
/// the fault plan with the churn drawn from the seed.
pub fn setup(s: &Scenario) -> Result<Setup, ScenarioError> {
    Ok(s.compile(&Limits::NATIVE)?.into_setup())
}

fn start<P: Protocol + 'static>(setup: Setup, config: &P::Config) -> Run<P> {
    let mut senders = vec![false; (setup.size + setup.faults.joiners) as usize];
    for &n in &setup.faults.contacts {
        senders[n as usize] = true;
    }
    Run { world: World::new(setup, config), senders }
}
