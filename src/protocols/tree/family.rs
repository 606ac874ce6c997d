//! The tree family, for the registry: its kind, parameters, run-size estimate and configuration.

use super::{Reliability, Tree, TreeConfig, TreeSetup, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, ParamDoc, RunInfo, Structure};

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

    /// The parameters, and the root: the workload's first sender.
    fn configure(params: &TreeConfig, group: &GroupInfo) -> TreeSetup {
        TreeSetup { config: params.clone(), root: group.senders.first().copied().unwrap_or(0) }
    }
}
