//! Bimodal multicast's parameters: the scenario's `protocol` object for `"kind": "pbcast"`, and
//! their table for the page's editor and docs/protocols/pbcast.md.
//!
//! Sections are those of Birman et al., "Bimodal Multicast", ACM TOCS 17(2), 1999. The paper's
//! body was not in the reference library when this was written: values marked "unchecked" in
//! their `source` are recalled from the paper, not read again in it.

use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// How the first, unreliable phase spreads a message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstPhase {
    /// One multicast to every member the sender knows: IP multicast over a network that
    /// replicates it (`network.native_multicast`), else the unicast loop the kernel makes of it.
    #[default]
    Multicast,
    /// A best-effort k-ary spanning tree over the initial members, rooted at the sender (the
    /// k-ary heap of [`crate::protocols::tree::heap_children`]): each node forwards the first copy
    /// it gets to its children, and nothing is repaired in the tree.
    Tree,
    /// No first phase: the sender only gossips (pure anti-entropy, for comparison).
    None,
}

impl FirstPhase {
    /// The names the scenario writes, in the order of the parameter table.
    pub const NAMES: &'static [&'static str] = &["multicast", "tree", "none"];
}

/// Parameters of bimodal multicast, shared by every member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PbcastConfig {
    /// How the first phase spreads each message.
    pub first_phase: FirstPhase,
    /// The most children a node forwards to in the first phase's tree (`first_phase: "tree"`).
    pub tree_arity: u32,
    /// The length of a gossip round (milliseconds).
    pub round_ms: f64,
    /// Members each node sends its digest to per round, drawn uniformly from those it knows.
    pub fanout: u32,
    /// Rounds a message is kept (in digests, and served to solicitations) after a node got it.
    pub gc_rounds: u32,
    /// Retransmissions a node sends per round at most, the most recent messages first; further
    /// solicitations that round are ignored.
    pub max_retransmissions_per_round: u32,
    /// How many of its rounds after a digest a node still serves the solicitations answering it
    /// (0: only in the digest's own round).
    pub solicit_window_rounds: u32,
    /// Per-packet header added to the payload (bytes).
    pub header_bytes: u32,
}

impl Default for PbcastConfig {
    fn default() -> Self {
        PbcastConfig {
            first_phase: FirstPhase::Multicast,
            tree_arity: 4,
            round_ms: 100.0,
            fanout: 1,
            gc_rounds: 10,
            max_retransmissions_per_round: 10,
            solicit_window_rounds: 1,
            header_bytes: 40,
        }
    }
}

impl PbcastConfig {
    /// The length of a round.
    pub fn round(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.round_ms)
    }
}

/// The parameter table of bimodal multicast.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "first_phase",
        label: "first phase",
        kind: ParamKind::Choice(FirstPhase::NAMES),
        unit: "",
        source: "Birman et al. 1999, §3 (IP multicast, or a randomly generated spanning tree where it is \
                 missing); \"none\": this playground, for comparison",
        help: "how each message is first spread, unreliably: one multicast, a k-ary tree, or not at all",
    },
    ParamDoc {
        field: "tree_arity",
        label: "tree arity",
        kind: ParamKind::Int { min: 1, max: 64 },
        unit: "children",
        source: "this playground (a heap-shaped tree by id in place of the paper's random tree)",
        help: "children per node in the first phase's tree",
    },
    ParamDoc {
        field: "round_ms",
        label: "round",
        kind: ParamKind::Float { min: 1.0, max: 60_000.0 },
        unit: "ms",
        source: "Birman et al. 1999, §3 (rounds of fixed length); 100 ms as in the paper's implementation, §5 \
                 (unchecked)",
        help: "time between a node's gossip rounds",
    },
    ParamDoc {
        field: "fanout",
        label: "fanout",
        kind: ParamKind::Int { min: 1, max: 64 },
        unit: "members",
        source: "Birman et al. 1999, §3 (each process picks another at random each round: 1)",
        help: "members each node sends its digest to per round",
    },
    ParamDoc {
        field: "gc_rounds",
        label: "garbage collection",
        kind: ParamKind::Int { min: 1, max: 1000 },
        unit: "rounds",
        source: "Birman et al. 1999, §3 (messages are garbage collected after a fixed number of rounds); \
                 10 (unchecked)",
        help: "rounds a node gossips about, and serves, a message after it got it",
    },
    ParamDoc {
        field: "max_retransmissions_per_round",
        label: "retransmission limit",
        kind: ParamKind::Int { min: 1, max: 10_000 },
        unit: "per round",
        source: "Birman et al. 1999, §3 (round retransmission limit; most-recent-first retransmission); \
                 10 (unchecked)",
        help: "retransmissions a node sends per round at most, newest messages first",
    },
    ParamDoc {
        field: "solicit_window_rounds",
        label: "solicitation window",
        kind: ParamKind::Int { min: 0, max: 100 },
        unit: "rounds",
        source: "Birman et al. 1999, §3 (soft-failure detection: only solicitations of the digest's round \
                 are served, 0); 1 here so that a round-synchronous network, where the digest and the \
                 solicitation each take a round, is served",
        help: "rounds after a digest in which its solicitations are still served",
    },
    HEADER_BYTES,
];
