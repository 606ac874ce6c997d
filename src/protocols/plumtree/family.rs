//! Plumtree, for the registry: its kind, parameters, run-size estimate and setup.

use super::{Plumtree, PlumtreeConfig, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};
use std::sync::Arc;

/// The neighbours a node is expected to have: HyParView's active view in the paper's setting
/// (log₁₀ n + 1 = 5 at 10,000 nodes; Leitão et al., HyParView, DSN 2007, §5).
pub const EXPECTED_DEGREE: u64 = 5;

/// When a workload over HyParView should start sending (ms): the overlay is built from
/// nothing when the run starts (member i joins at i × 100 µs), and a broadcast leaves only on
/// the links its sender has by then, so a message sent at 0 ms reaches no one (Plumtree, like
/// the paper, has no anti-entropy to catch up later). The presets start at 2 s, by when a
/// broadcast over 1,000 nodes reaches every node (`scenarios/plumtree.json`), and
/// the page moves a workload's start to it when Plumtree is picked.
pub const WARM_UP_MS: f64 = 2_000.0;

/// Plumtree.
pub struct PlumtreeFamily;

impl Family for PlumtreeFamily {
    type Protocol = Plumtree;
    type Params = PlumtreeConfig;
    type Error = ParamError;

    const KIND: &'static str = "plumtree";
    const TITLE: &'static str = "Plumtree (Leitão et al. 2007)";
    const SUMMARY: &'static str = "epidemic broadcast trees over HyParView: payload pushed on tree links, \
        IHAVEs on the others, GRAFT on a missing message, PRUNE on a duplicate";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] = &[PacketKind::Gossip, PacketKind::Ihave, PacketKind::Graft, PacketKind::Prune];
    const STRUCTURE: Structure = Structure::Tree;
    const NEEDS_OVERLAY: bool = true;

    fn label(params: &PlumtreeConfig) -> &'static str {
        if params.lazy_push {
            "Plumtree"
        } else {
            "eager-push gossip (flooding)"
        }
    }

    /// One message reaches a receiver at most once from each neighbour (GOSSIP or IHAVE) and
    /// once more per GRAFT it sends: about the active view twice over.
    fn rounds(_params: &PlumtreeConfig, _run: &RunInfo) -> (u64, String) {
        (2 * EXPECTED_DEGREE, "GOSSIPs and IHAVEs from each neighbour and GRAFT answers (2 × active view)".into())
    }

    /// Every node forwards each message once to each neighbour but the one it came from, as a
    /// GOSSIP (eager) or an IHAVE (lazy); the first broadcast's duplicates draw PRUNEs (one per
    /// link); IHAVEs that outrun the tree set a GRAFT timer (at most one per message and node).
    fn load(params: &PlumtreeConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m, d) = (run.lives as f64, run.messages as f64, EXPECTED_DEGREE as f64);
        let per_message = n * (d - 1.0);
        let under_way = per_message * run.concurrent.max(1) as f64;
        let mut loads = vec![Load::packets(
            "workload.messages",
            "GOSSIPs and IHAVEs: messages × nodes × (active view − 1)",
            m * per_message,
            under_way,
        )];
        if params.lazy_push {
            loads.push(Load::packets("protocol.lazy_push", "PRUNEs and GRAFTs: a few per link", 2.0 * n * d, n * d));
            loads.push(Load::timers("protocol.timeout1_ms", "GRAFT timers: messages × nodes / 2", m * n / 2.0, n));
        }
        loads
    }

    /// What a node keeps per message it holds or misses (about 48 bytes in a B-tree), and its
    /// two neighbour lists.
    fn node_bytes(_params: &PlumtreeConfig, run: &RunInfo) -> u64 {
        48 * run.messages + 8 * EXPECTED_DEGREE
    }

    fn configure(params: &PlumtreeConfig, _group: &GroupInfo) -> Arc<PlumtreeConfig> {
        Arc::new(params.clone())
    }

    /// Plumtree against eager-push gossip on the same overlay.
    fn contenders() -> Vec<PlumtreeConfig> {
        vec![PlumtreeConfig::default(), PlumtreeConfig { lazy_push: false, ..PlumtreeConfig::default() }]
    }
}
