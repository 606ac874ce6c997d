//! A scenario turned into a running simulation, behind one object-safe interface.
//!
//! [`build`] picks the protocol the scenario names and returns a [`Simulation`]; the CLI, the page
//! and the tests drive every protocol through it without knowing which one runs.

use crate::metrics::{Counters, Report};
use crate::protocol::{NodeId, PacketKind, Protocol};
use crate::protocols::centralized::Centralized;
use crate::scenario::{FaultSpec, Limits, ProtocolSpec, Scenario, ScenarioError};
use crate::sim::network::Network;
use crate::sim::world::{Setup, World};
use crate::sim::{layout, SimDuration, SimTime};

/// How a node looks in the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// A node that sends the workload.
    Sender,
    /// Has delivered no message yet.
    Waiting,
    /// Has delivered some of the messages.
    Partial,
    /// Has delivered every message.
    Done,
    /// Has crashed.
    Crashed,
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
    /// Processes the next event if one is due before the end; false if nothing is left. Lets a
    /// caller bound the work it does at once (a burst of packets at one instant is one time).
    fn step(&mut self) -> bool;
    /// The counters the page polls.
    fn counters(&self) -> Counters;
    /// The full report as of now.
    fn report(&self) -> Report;
    /// The trace hash so far.
    fn trace_hash(&self) -> String;
    /// Node positions in the unit square.
    fn positions(&self) -> &[[f64; 2]];
    /// Each node's state, written into `out` (cleared first).
    fn node_states(&self, out: &mut Vec<NodeState>);
    /// Turns recording of packets in flight on or off.
    fn set_recording(&mut self, on: bool);
    /// The packets on the wire now, written into `out` (cleared first); needs recording on.
    fn flights(&mut self, out: &mut Vec<FlightView>);
}

struct Run<P: Protocol> {
    world: World<P>,
    senders: Vec<bool>,
}

impl<P: Protocol> Simulation for Run<P> {
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
    fn step(&mut self) -> bool {
        !self.world.is_done() && self.world.step()
    }
    fn counters(&self) -> Counters {
        self.world.counters()
    }
    fn report(&self) -> Report {
        self.world.report()
    }
    fn trace_hash(&self) -> String {
        self.world.trace_hash()
    }
    fn positions(&self) -> &[[f64; 2]] {
        self.world.positions()
    }
    fn node_states(&self, out: &mut Vec<NodeState>) {
        out.clear();
        let m = self.world.metrics();
        let total = m.message_count();
        out.extend(self.world.alive().iter().enumerate().map(|(i, &alive)| {
            let got = m.delivered_by(i as NodeId);
            match () {
                _ if !alive => NodeState::Crashed,
                _ if self.senders[i] => NodeState::Sender,
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
}

/// Validates `scenario` against the native limits and starts a simulation of it.
pub fn build(scenario: &Scenario) -> Result<Box<dyn Simulation>, ScenarioError> {
    scenario.validate(&Limits::NATIVE)?;
    Ok(match &scenario.protocol {
        ProtocolSpec::Centralized(c) => Box::new(start::<Centralized>(scenario, c)),
    })
}

fn start<P: Protocol + 'static>(s: &Scenario, config: &P::Config) -> Run<P> {
    let positions = layout::positions(&s.group, s.seed);
    let w = &s.workload;
    let start = SimTime(SimDuration::from_ms_f64(w.start_ms).0);
    let interval = SimDuration::from_ms_f64(w.interval_ms);
    let messages =
        (0..w.messages).map(|i| (start + interval.times(u64::from(i)), s.group.sender, w.size_bytes)).collect();
    let crashes = s
        .faults
        .iter()
        .map(|f| match f {
            FaultSpec::Crash { at_ms, node } => (SimTime(SimDuration::from_ms_f64(*at_ms).0), *node),
        })
        .collect();
    let setup = Setup {
        seed: s.seed,
        size: s.group.size,
        network: Network::new(&s.network, positions, s.seed),
        messages,
        crashes,
        end: SimTime(SimDuration::from_ms_f64(s.duration_ms).0),
    };
    let mut senders = vec![false; s.group.size as usize];
    senders[s.group.sender as usize] = true;
    Run { world: World::new(setup, config), senders }
}
