//! Helpers shared by the integration tests (each test file that needs them says `mod common;`).

#![allow(dead_code)]

use mcast::protocol::{GroupInfo, Harness, Input, MsgId, NodeId, Output, UniformDistance};
use mcast::protocols::centralized::{Centralized, CentralizedConfig, Msg, Timer};
use mcast::time::{SimDuration, SimTime};

/// An output in a comparable form, a multicast spelt out as one send per destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    Send(NodeId, Msg),
    SetTimer(SimDuration, Timer),
    Deliver(MsgId),
}

/// One centralized protocol instance, driven one input at a time (a [`Harness`] whose group has
/// one sender, node 0, and every pair 1 ms apart).
pub struct Node {
    pub h: Harness<Centralized>,
}

impl Node {
    pub fn new(me: NodeId, size: u32, config: &CentralizedConfig) -> Node {
        let distances = UniformDistance(SimDuration::from_ms(1));
        Node { h: Harness::new(me, GroupInfo::of_size(size), distances, config) }
    }

    /// Hands `input` to the protocol at `now_ms` and returns what it did.
    pub fn handle(&mut self, now_ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
        self.h
            .handle(SimTime::from_ms(now_ms), input)
            .into_iter()
            .flat_map(|o| match o {
                Output::Send { to, msg } => vec![Out::Send(to, msg)],
                Output::Multicast { to, msg } => to.into_iter().map(|n| Out::Send(n, msg.clone())).collect(),
                Output::SetTimer { after, timer } => vec![Out::SetTimer(after, timer)],
                Output::Deliver { id } => vec![Out::Deliver(id)],
                Output::Believe(_) => vec![],
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Scenarios and runs
// ---------------------------------------------------------------------------------------------

use mcast::engine::{self, Simulation};
use mcast::metrics::Report;
use mcast::scenario::{GroupSpec, Layout, MembershipSpec, NetworkSpec, ProtocolSpec, Scenario, WorkloadSpec};

/// A scenario of `n` nodes on a disk, node 0 sending, running `protocol`: seed 1, the default
/// network and workload (one message of 1000 bytes), no faults, 60 s. Tests set what they need
/// with struct update syntax: `Scenario { seed, network, ..common::scenario(n, config) }`.
pub fn scenario(n: u32, protocol: impl Into<ProtocolSpec>) -> Scenario {
    Scenario {
        version: mcast::scenario::SCENARIO_VERSION,
        name: String::new(),
        seed: 1,
        group: GroupSpec { size: n, sender: 0, layout: Layout::Disk, positions: None },
        network: NetworkSpec::default(),
        protocol: protocol.into(),
        workload: WorkloadSpec::default(),
        faults: Vec::new(),
        membership: MembershipSpec::default(),
        attackers: Default::default(),
        duration_ms: 60_000.0,
    }
}

/// `messages` messages of `size_bytes` bytes, `interval_ms` apart, from time zero.
pub fn messages(messages: u32, size_bytes: u32, interval_ms: f64) -> WorkloadSpec {
    WorkloadSpec { messages, size_bytes, interval_ms, start_ms: 0.0, ..WorkloadSpec::default() }
}

/// A network where every one-way trip takes exactly `latency_ms` and nothing is lost; `rate`
/// bytes per second per uplink (0 = unlimited).
pub fn exact_network(latency_ms: f64, rate: u64) -> NetworkSpec {
    NetworkSpec {
        latency_ms,
        distance_ms: 0.0,
        jitter_ms: 0.0,
        loss: 0.0,
        uplink_bytes_per_sec: rate,
        ..NetworkSpec::default()
    }
}

/// The file `scenarios/NAME`, parsed and validated.
pub fn scenario_file(name: &str) -> Scenario {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every file in `scenarios/`, by file name in name order, parsed and validated: what the
/// trace-hash record, the checkpoint and the layer tests each run.
pub fn scenario_files() -> Vec<(String, Scenario)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name").to_string();
            let text = std::fs::read_to_string(&path).expect("a readable scenario");
            let s = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, s)
        })
        .collect()
}

/// `s` run to its end: its report and the simulation (for counters, states, the hash).
pub fn run(s: &Scenario) -> (Report, Box<dyn Simulation>) {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    sim.run_to_end();
    (sim.report(), sim)
}
