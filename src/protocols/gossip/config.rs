//! The gossip family's parameters and their table.
//!
//! Defaults: push-pull with one partner per period, the model of Demers et al. (1987, §1.3)
//! and Karp et al. (2000, §2), spreading a message for 20 periods (Karp et al. need
//! log₃ n + O(log log n) push-pull rounds: under 20 up to about 10^7 nodes); uniform peers; a
//! Cyclon view of 20 entries shuffled 5 at a time when `peers` is `cyclon`.

use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use serde::{Deserialize, Serialize};

/// Which way messages travel in a contact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The node holding a message sends it to the peers it picks (Demers et al. §1.3, push).
    Push,
    /// Every node asks the peers it picks for what it lacks (pull).
    Pull,
    /// Both: a contact sends what the caller spreads and answers with what it lacks.
    #[default]
    PushPull,
}

impl Mode {
    /// Whether the node pushes what it spreads.
    pub fn pushes(self) -> bool {
        matches!(self, Mode::Push | Mode::PushPull)
    }

    /// Whether the node asks peers for what it lacks, every period.
    pub fn pulls(self) -> bool {
        matches!(self, Mode::Pull | Mode::PushPull)
    }
}

/// How long a node spreads a message it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    /// Forward once on first receipt, then stop ("infect and die", Eugster et al. 2003 §3).
    Once,
    /// Spread for `rounds` gossip periods from its receipt.
    #[default]
    Rounds,
    /// The message carries a hop count, `ttl` at its origin: forwarded while hops remain.
    Ttl,
}

/// Whom a node gossips with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Peers {
    /// Uniformly from the membership the node knows.
    #[default]
    Uniform,
    /// From a Cyclon partial view.
    Cyclon,
}

/// Parameters of gossip, shared by every node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GossipConfig {
    /// Push, pull or push-pull.
    pub mode: Mode,
    /// Peers contacted per gossip period (and per forward on receipt).
    pub fanout: u32,
    /// The gossip period (milliseconds); in rounds mode, set it to the round length.
    pub period_ms: f64,
    /// How long a node spreads a message.
    pub spread: Spread,
    /// Periods a message is spread for, with `spread: "rounds"`.
    pub rounds: u32,
    /// Hops a message may travel from its origin, with `spread: "ttl"`.
    pub ttl: u32,
    /// Uniform peers or a Cyclon view.
    pub peers: Peers,
    /// Entries of a Cyclon view (`c`).
    pub view_size: u32,
    /// Entries exchanged per Cyclon shuffle (`ℓ`).
    pub shuffle_length: u32,
    /// Time between a node's Cyclon shuffles (milliseconds).
    pub shuffle_period_ms: f64,
    /// Per-packet header (bytes): added to the payloads a gossip packet carries, and the size of
    /// a control packet before its digest or entries.
    pub header_bytes: u32,
}

impl Default for GossipConfig {
    fn default() -> Self {
        GossipConfig {
            mode: Mode::PushPull,
            fanout: 1,
            period_ms: 100.0,
            spread: Spread::Rounds,
            rounds: 20,
            ttl: 6,
            peers: Peers::Uniform,
            view_size: 20,
            shuffle_length: 5,
            shuffle_period_ms: 1000.0,
            header_bytes: 40,
        }
    }
}

/// The gossip family's parameters, for the page's editor and docs/protocols/gossip.md.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "mode",
        label: "mode",
        kind: ParamKind::Choice(&["push", "pull", "push_pull"]),
        unit: "",
        source: "Demers et al. 1987 §1.3 (push, pull, push-pull); Karp et al. 2000 §2",
        help: "push what a node spreads, pull what it lacks every period, or both",
    },
    ParamDoc {
        field: "fanout",
        label: "fanout",
        kind: ParamKind::Int { min: 1, max: 64 },
        unit: "peers",
        source: "Eugster et al. 2003 §3 (fanout F); Demers et al. 1987 and Karp et al. 2000 use 1",
        help: "peers contacted per period, and per forward on receipt",
    },
    ParamDoc {
        field: "period_ms",
        label: "period",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "Demers et al. 1987 §1 (the cycle); set to the round length in rounds mode",
        help: "time between a node's gossip contacts",
    },
    ParamDoc {
        field: "spread",
        label: "spread",
        kind: ParamKind::Choice(&["once", "rounds", "ttl"]),
        unit: "",
        source: "Eugster et al. 2003 §3 (infect and die); Karp et al. 2000 §2 (rounds); hop limit",
        help: "forward once on receipt, for a number of periods, or while hops remain",
    },
    ParamDoc {
        field: "rounds",
        label: "rounds",
        kind: ParamKind::Int { min: 1, max: 10_000 },
        unit: "periods",
        source: "Karp et al. 2000 §2 (log₃ n + O(log log n) push-pull rounds)",
        help: "periods a message is spread for, with spread = rounds",
    },
    ParamDoc {
        field: "ttl",
        label: "TTL",
        kind: ParamKind::Int { min: 0, max: 255 },
        unit: "hops",
        source: "this playground (a hop limit, as IP's TTL)",
        help: "hops a message may travel from its origin, with spread = ttl",
    },
    ParamDoc {
        field: "peers",
        label: "peers",
        kind: ParamKind::Choice(&["uniform", "cyclon"]),
        unit: "",
        source: "Demers et al. 1987 (uniform); Voulgaris et al. 2005 (Cyclon)",
        help: "draw peers uniformly from the known membership, or from a Cyclon partial view",
    },
    ParamDoc {
        field: "view_size",
        label: "view size",
        kind: ParamKind::Int { min: 1, max: 1_000 },
        unit: "entries",
        source: "Voulgaris et al. 2005 §3 (the cache size c)",
        help: "entries of a Cyclon view",
    },
    ParamDoc {
        field: "shuffle_length",
        label: "shuffle length",
        kind: ParamKind::Int { min: 1, max: 1_000 },
        unit: "entries",
        source: "Voulgaris et al. 2005 §3 (the shuffle length ℓ)",
        help: "entries exchanged per Cyclon shuffle",
    },
    ParamDoc {
        field: "shuffle_period_ms",
        label: "shuffle period",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "Voulgaris et al. 2005 §3 (the shuffle period ΔT)",
        help: "time between a node's Cyclon shuffles",
    },
    HEADER_BYTES,
];
