//! The tree protocol's parameters: the scenario's `protocol` object for `"kind": "tree"`, its
//! range checks and its documentation for the page's editor and docs/protocols/tree.md.

use crate::protocol::NodeId;
use crate::protocols::blocks::{Backoff, DetectorConfig};
use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// How the tree is shaped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// A k-ary heap over the ids, rotated so the root is rank 0: every node computes its parent
    /// and children from the configuration alone, the tree is complete and its depth minimal.
    #[default]
    Heap,
    /// Built by joins through the root: a full node sends a joiner on to the nearest of its
    /// lighter children, by the distances the joiner measured to them (see
    /// [`crate::protocol::Context::distance`]).
    Aware,
}

/// How losses are repaired.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reliability {
    /// Nothing is repaired: a copy lost on an edge is lost for the whole subtree below it.
    None,
    /// Hop-by-hop positive acknowledgements: a parent resends to each child that has not ACKed.
    Ack,
    /// Hop-by-hop negative acknowledgements: a child asks its parent for the gaps it sees.
    #[default]
    Nak,
}

/// Parameters of the tree protocol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TreeConfig {
    /// The most children a node takes (the tree's k).
    pub fanout: u32,
    /// How the tree is shaped.
    pub topology: Topology,
    /// How losses are repaired.
    pub reliability: Reliability,
    /// Time before a retransmission (ACK mode), a repeated NAK, JOIN or upward send; doubles each
    /// round up to 8 times this (a JOIN: 2 times) (milliseconds).
    pub retry_timeout_ms: f64,
    /// Rounds of retransmission (or NAKs) before a node gives up on a message.
    pub max_retries: u32,
    /// Time between two heartbeats on each tree edge (milliseconds).
    pub heartbeat_interval_ms: f64,
    /// Heartbeat intervals without a word from a neighbour before it is suspected (and probed).
    pub heartbeat_misses: u32,
    /// Direct probes a suspected neighbour is sent before it is presumed dead (0: presumed dead
    /// as soon as it is suspected).
    pub probe_attempts: u32,
    /// Time between two probes of a suspected neighbour, and from the last one to the verdict
    /// (milliseconds).
    pub probe_timeout_ms: f64,
    /// How many recent messages each node keeps to answer NAKs and catch new children up.
    pub buffer_size: u32,
    /// Per-packet header added to the payload (bytes).
    pub header_bytes: u32,
    /// Size of a control packet: ACK, NAK, heartbeat, JOIN, LEAVE (bytes; lists add 4 per entry).
    pub control_bytes: u32,
}

impl Default for TreeConfig {
    fn default() -> Self {
        TreeConfig {
            fanout: 4,
            topology: Topology::Heap,
            reliability: Reliability::Nak,
            retry_timeout_ms: 200.0,
            max_retries: 10,
            heartbeat_interval_ms: 500.0,
            heartbeat_misses: 4,
            probe_attempts: 3,
            probe_timeout_ms: 400.0,
            buffer_size: 1024,
            header_bytes: 40,
            control_bytes: 40,
        }
    }
}

/// The tree protocol's parameters, for the page's editor and docs/protocols/tree.md.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "fanout",
        label: "fanout k",
        kind: ParamKind::Int { min: 2, max: 64 },
        unit: "",
        source: "this playground (k-ary trees as in TMTP, Yavatkar et al. 1995)",
        help: "most children per node: depth is about log_k n, a node sends k copies of each message",
    },
    ParamDoc {
        field: "topology",
        label: "topology",
        kind: ParamKind::Choice(&["heap", "aware"]),
        unit: "",
        source: "heap: this playground; aware: join by descent to the nearest child (HMTP, Zhang et al. 2002; TBCP, Mathy et al. 2001)",
        help: "heap: computed from the ids; aware: built by joins that prefer nearby parents",
    },
    ParamDoc {
        field: "reliability",
        label: "reliability",
        kind: ParamKind::Choice(&["none", "ack", "nak"]),
        unit: "",
        source: "Levine & Garcia-Luna-Aceves 1998 (ACK- vs NAK-based trees); RMTP, Paul et al. 1997",
        help: "none, hop-by-hop ACKs, or hop-by-hop NAKs from a parent's buffer",
    },
    ParamDoc {
        field: "retry_timeout_ms",
        label: "ACK/NAK timeout",
        kind: ParamKind::Float { min: 0.1, max: 600_000.0 },
        unit: "ms",
        source: "RFC 6298 §5.5 (doubled each round, here capped at 8×)",
        help: "time to a retransmission, a repeated NAK or JOIN; doubles each round up to 8× (a JOIN 2×)",
    },
    ParamDoc {
        field: "max_retries",
        label: "max retries",
        kind: ParamKind::Int { min: 0, max: 30 },
        unit: "",
        source: "this playground",
        help: "rounds before a parent (ACK) or child (NAK) gives up on a message",
    },
    ParamDoc {
        field: "heartbeat_interval_ms",
        label: "heartbeat",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "this playground (keep-alives on tree edges, as TMTP and RMTP)",
        help: "time between heartbeats on each tree edge, both ways",
    },
    ParamDoc {
        field: "heartbeat_misses",
        label: "misses",
        kind: ParamKind::Int { min: 1, max: 100 },
        unit: "",
        source: "this playground",
        help: "silent heartbeat intervals before a parent or child is suspected and probed",
    },
    ParamDoc {
        field: "probe_attempts",
        label: "probes",
        kind: ParamKind::Int { min: 0, max: 20 },
        unit: "",
        source: "probe before declaring dead: SWIM (Das, Gupta & Motivala, DSN 2002); on tree edges: this playground",
        help: "probes a suspected parent or child gets before it is presumed dead; 0: dead at once",
    },
    ParamDoc {
        field: "probe_timeout_ms",
        label: "probe timeout",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "this playground (2× the retry timeout, as a JOIN's second try; SWIM's ping timeout)",
        help: "time between probes of a suspected neighbour: a crash is noticed up to probes × this later",
    },
    ParamDoc {
        field: "buffer_size",
        label: "buffer",
        kind: ParamKind::Int { min: 1, max: 100_000 },
        unit: "messages",
        source: "this playground (RMTP's designated receivers cache for repairs)",
        help: "recent messages a node keeps to answer NAKs and catch up new children",
    },
    HEADER_BYTES,
    ParamDoc {
        field: "control_bytes",
        label: "control size",
        kind: ParamKind::Int { min: 1, max: 65_535 },
        unit: "bytes",
        source: "this playground (a UDP/IP header and a sequence number)",
        help: "size of an ACK, NAK, heartbeat, JOIN or LEAVE; lists add 4 bytes per entry",
    },
];

impl TreeConfig {
    /// Whether losses are repaired at all.
    pub fn reliable(&self) -> bool {
        self.reliability != Reliability::None
    }

    /// The backoff of retransmissions, NAKs and upward sends: the retry timeout, doubled each
    /// round up to 8 times. A tree's retries wait on one neighbour, not on a congested path: an
    /// uncapped doubling only makes an unlucky node wait for minutes at high loss.
    pub(super) fn backoff(&self) -> Backoff {
        Backoff { base: SimDuration::from_ms_f64(self.retry_timeout_ms), max_doublings: 3 }
    }

    /// The retry timeout of round `round` (1 for the first): [`TreeConfig::backoff`]'s wait.
    pub(super) fn retry(&self, round: u32) -> SimDuration {
        self.backoff().wait(round)
    }

    /// The backoff of a JOIN: the retry timeout, doubled once. A JOIN is answered on arrival:
    /// silence means a lost JOIN or answer (or a dead target, left after a few tries), not a
    /// busy target to spare. Backing off further (to 8× the timeout) kept a joiner that kept
    /// asking the root, at 20 % loss (a round trip fails 36 % of the time), detached for 10 s
    /// and more.
    pub(super) fn join_backoff(&self) -> Backoff {
        Backoff { base: SimDuration::from_ms_f64(self.retry_timeout_ms), max_doublings: 1 }
    }

    /// The heartbeat interval.
    pub fn heartbeat(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.heartbeat_interval_ms)
    }

    /// How long a neighbour may stay silent before it is suspected (and, without probes,
    /// presumed dead).
    pub fn dead_after(&self) -> SimDuration {
        self.heartbeat().times(u64::from(self.heartbeat_misses))
    }

    /// The time between two probes of a suspected neighbour.
    pub fn probe_timeout(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.probe_timeout_ms)
    }

    /// What each of a node's failure detectors (its parent's, its children's) is built with.
    pub(super) fn detector(&self) -> DetectorConfig {
        DetectorConfig {
            dead_after: self.dead_after(),
            probe_attempts: self.probe_attempts,
            probe_interval: self.probe_timeout(),
        }
    }

    /// The longest a crashed neighbour goes unnoticed after its last packet: silent for
    /// `dead_after`, noticed at the next heartbeat tick (up to one interval later), then probed
    /// `probe_attempts` times `probe_timeout` apart.
    pub fn detection_bound(&self) -> SimDuration {
        self.dead_after() + self.heartbeat() + self.probe_timeout().times(u64::from(self.probe_attempts))
    }
}

/// What every node of a run knows from its configuration: the parameters and the tree's root.
///
/// The root is the workload's first sender (`workload.senders[0]`, or `group.sender`): it is
/// configuration, like the group address, so [`crate::engine::build`] fills it in.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeSetup {
    /// The parameters.
    pub config: TreeConfig,
    /// The root of the tree: the node that numbers and disseminates every message.
    pub root: NodeId,
}
