//! Plumtree's parameters and their table.
//!
//! Defaults: lazy push on (Plumtree itself; off is the paper's eager-push gossip baseline over
//! the same overlay, §4), the tree optimization on with the threshold of the paper's experiments
//! (7 hops, §3.8 and §4), and the two GRAFT timers, which the paper leaves to the deployment
//! (§3.6: `timeout1` "considering the diameter of the overlay and a target maximum recovery
//! latency", `timeout2` "in the order of an average round trip time to a neighbor"): here 100 ms
//! and 50 ms, for this playground's networks of 5 to 45 ms one-way links.

use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use serde::{Deserialize, Serialize};

/// Bytes a message id and a round take in a packet (a 4-byte id and a 2-byte round, padded).
pub const ID_BYTES: u32 = 8;

/// Parameters of Plumtree, shared by every node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlumtreeConfig {
    /// Whether lazy push runs (Plumtree); off, every neighbour stays eager and nothing is
    /// pruned: eager-push gossip (flooding) over the same overlay, the paper's baseline.
    pub lazy_push: bool,
    /// How long a node waits, after the first IHAVE for a message it lacks, before it GRAFTs
    /// the first announcer (milliseconds; the paper's `timeout1`, §3.6).
    pub timeout1_ms: f64,
    /// How long it waits for the GRAFT's answer before it GRAFTs the next announcer
    /// (milliseconds; the paper's `timeout2`, §3.6).
    pub timeout2_ms: f64,
    /// Whether the tree optimization runs (§3.8).
    pub optimize: bool,
    /// The optimization's threshold: a lazy link replaces the tree link when its IHAVE took at
    /// least this many hops fewer than the GOSSIP (§3.8).
    pub threshold: u32,
    /// Per-packet header (bytes), added to a GOSSIP's payload and to the control packets' ids.
    pub header_bytes: u32,
}

impl Default for PlumtreeConfig {
    fn default() -> Self {
        PlumtreeConfig {
            lazy_push: true,
            timeout1_ms: 100.0,
            timeout2_ms: 50.0,
            optimize: true,
            threshold: 7,
            header_bytes: 40,
        }
    }
}

/// Plumtree's parameters, for the page's editor and docs/protocols/plumtree.md.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "lazy_push",
        label: "lazy push",
        kind: ParamKind::Bool,
        unit: "",
        source: "Leitão et al. 2007 §3.2 (eager and lazy push); off: §4's eager push gossip",
        help: "IHAVEs on the non-tree links and PRUNE on duplicates; off, every link pushes payload (flooding)",
    },
    ParamDoc {
        field: "timeout1_ms",
        label: "timeout 1",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "Leitão et al. 2007 §3.6 (timeout1: the overlay's diameter and the recovery target)",
        help: "wait after the first IHAVE for a missing message before the first GRAFT",
    },
    ParamDoc {
        field: "timeout2_ms",
        label: "timeout 2",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "Leitão et al. 2007 §3.6 (timeout2: about a round trip to a neighbour)",
        help: "wait for a GRAFT's answer before grafting the next announcer",
    },
    ParamDoc {
        field: "optimize",
        label: "optimization",
        kind: ParamKind::Bool,
        unit: "",
        source: "Leitão et al. 2007 §3.8 (tree optimization)",
        help: "swap a lazy link into the tree when its IHAVEs come much fewer hops from the origin",
    },
    ParamDoc {
        field: "threshold",
        label: "threshold",
        kind: ParamKind::Int { min: 1, max: 255 },
        unit: "hops",
        source: "Leitão et al. 2007 §3.8 and §4 (7 in the experiments)",
        help: "hops a lazy link must save over the tree link before the optimization swaps them",
    },
    HEADER_BYTES,
];
