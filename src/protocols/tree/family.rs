//! The tree family, for the registry: its kind, parameters, run-size estimate and configuration.

use super::{Reliability, Topology, Tree, TreeConfig, TreeSetup, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};

/// The tree family.
pub struct TreeFamily;

impl Family for TreeFamily {
    type Protocol = Tree;
    type Params = TreeConfig;
    type Error = ParamError;

    const KIND: &'static str = "tree";
    const TITLE: &'static str = "Tree (k-ary, ACK/NAK repair)";
    const SUMMARY: &'static str = "a k-ary spanning tree rooted at the sender (heap-shaped or topology-aware), \
        hop-by-hop ACK or NAK repair, heartbeats and probes that heal it after crashes";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] = &[
        PacketKind::Data,
        PacketKind::Ack,
        PacketKind::Retransmit,
        PacketKind::Nak,
        PacketKind::Repair,
        PacketKind::Join,
        PacketKind::Leave,
        PacketKind::Heartbeat,
    ];
    const STRUCTURE: Structure = Structure::Tree;

    fn label(params: &TreeConfig) -> &'static str {
        match params.reliability {
            Reliability::None => "tree",
            Reliability::Ack => "tree with hop-by-hop ACKs",
            Reliability::Nak => "tree with hop-by-hop NAKs",
        }
    }

    /// Each receiver gets a message once from its parent plus `max_retries` resends (ACK) or
    /// repairs (NAK), and as much again after one re-attachment: 2 (1 + `max_retries`); without
    /// repair, the first copy and one catch-up, 2. Heartbeats (two per tree edge per interval)
    /// never have more than a few per edge in flight, so they are not counted.
    fn rounds(params: &TreeConfig, _run: &RunInfo) -> (u64, String) {
        if params.reliable() {
            let r = 2 * (1 + u64::from(params.max_retries));
            (r, "rounds (2 × (1 + protocol.max_retries)), re-attachment included".into())
        } else {
            (2, "rounds (the first copy and one catch-up after a re-attachment)".into())
        }
    }

    /// Each receiver gets each message from its parent, again for each loss (by ACK timeout or
    /// NAK), an ACK per copy or a NAK per loss; two heartbeats per tree edge and one tick per
    /// node per heartbeat interval over the whole run; the aware tree's joins descend about
    /// two packets per level.
    fn load(params: &TreeConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m, p) = (run.receivers() as f64, run.messages as f64, run.loss);
        let periods = run.periods(params.heartbeat_interval_ms) as f64;
        let fail = if params.reliability == Reliability::Ack { 1.0 - (1.0 - p) * (1.0 - p) } else { p };
        let attempts = if params.reliable() { RunInfo::attempts(fail, params.max_retries) } else { 1.0 };
        let copies = m * n * attempts;
        let control = match params.reliability {
            Reliability::None => 0.0,
            Reliability::Ack => copies * (1.0 - p),
            Reliability::Nak => m * n * p * attempts,
        };
        let depth = (n.max(2.0).ln() / f64::from(params.fanout.max(2)).ln()).ceil();
        let joins = match params.topology {
            Topology::Aware => run.lives as f64 * (2.0 * depth + 1.0),
            Topology::Heap => (run.lives - u64::from(run.size)) as f64 * (2.0 * depth + 1.0),
        } + run.fault_entries as f64 * f64::from(params.fanout) * 4.0;
        let nodes = run.lives as f64;
        vec![
            Load::packets("workload.messages", "copies: messages × receivers × expected attempts", copies, n * run.concurrent as f64),
            Load::packets("workload.messages", "ACKs or NAKs about those copies", control, n * run.concurrent as f64),
            Load::packets("protocol.heartbeat_interval_ms", "heartbeats: 2 per edge per interval over the run", 2.0 * n * periods, 2.0 * n),
            Load::timers("protocol.heartbeat_interval_ms", "ticks: one per node per interval over the run", nodes * periods, nodes),
            Load::packets("group.size", "joins: about two packets per level of the tree per node life", joins, nodes),
        ]
    }

    /// The parameters, and the root: the workload's first sender.
    fn configure(params: &TreeConfig, group: &GroupInfo) -> TreeSetup {
        TreeSetup { config: params.clone(), root: group.senders.first().copied().unwrap_or(0) }
    }
}
