//! Rumor mongering's parameters (Demers et al. 1987, §1.4 and §1.5).
//!
//! The defaults are the variant the paper analyses first and tabulates (Table 1): push, with
//! feedback, counter, no connection limit. `k` = 2 is this playground's pick from Table 1's
//! range 1-5 (residue 3.7 % at traffic 3.3 per site); the backstop is off, as in §1.4's tables.

use crate::protocols::anti_entropy::config::{MAX_PERIOD_MS, MIN_PERIOD_MS};
use crate::protocols::anti_entropy::Direction;
use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use serde::{Deserialize, Serialize};

/// When a node loses interest in a rumor it spreads (Demers et al. 1987, §1.4, "counter vs.
/// coin").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// After `k` unnecessary contacts (the counter counts them and is never reset).
    Counter,
    /// With probability 1/k after each unnecessary contact.
    Coin,
}

impl Removal {
    /// The names a scenario writes.
    pub const NAMES: &'static [&'static str] = &["counter", "coin"];
}

/// Parameters of rumor mongering, shared by every node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RumorConfig {
    /// Push (the infective node sends its hot rumors), pull (every node asks a random peer for
    /// its hot rumors) or both.
    pub direction: Direction,
    /// Feedback: a contact counts against a rumor only when the partner already knew it; blind:
    /// every contact that carries the rumor counts.
    pub feedback: bool,
    /// Counter or coin.
    pub removal: Removal,
    /// The counter's limit, or the coin's odds (1/k).
    pub k: u32,
    /// Whether a necessary contact sets a rumor's counter back to zero (lose interest after k
    /// unnecessary contacts in a row) rather than leaving it (k in all).
    pub counter_reset: bool,
    /// The most contacts a node accepts per period; 0 for no limit. Past it, a contact is
    /// refused (BUSY) and carries nothing over.
    pub connection_limit: u32,
    /// How many other peers a refused node tries within a period ("hunting"); 0 for none.
    pub hunt: u32,
    /// Time between a node's contacts (milliseconds): the paper's cycle. In the rounds mode two
    /// rounds, so that the partner's feedback arrives by the next cycle.
    pub period_ms: f64,
    /// Period of the anti-entropy backstop beneath (§1.5), in milliseconds; 0 for none.
    pub anti_entropy_period_ms: f64,
    /// Direction of the backstop's exchanges.
    pub anti_entropy_direction: Direction,
    /// Whether a message a node learns by anti-entropy becomes a hot rumor again (§1.5's
    /// "redistribution"), rather than only being delivered (its "conservative response").
    pub anti_entropy_rekindle: bool,
    /// Per-packet header (bytes).
    pub header_bytes: u32,
}

impl Default for RumorConfig {
    fn default() -> Self {
        RumorConfig {
            direction: Direction::Push,
            feedback: true,
            removal: Removal::Counter,
            k: 2,
            counter_reset: true,
            connection_limit: 0,
            hunt: 0,
            period_ms: 200.0,
            anti_entropy_period_ms: 0.0,
            anti_entropy_direction: Direction::PushPull,
            anti_entropy_rekindle: false,
            header_bytes: 40,
        }
    }
}

/// Rumor mongering's parameters, for the page's editor and docs/protocols/rumor.md.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "direction",
        label: "direction",
        kind: ParamKind::Choice(Direction::NAMES),
        unit: "",
        source: "Demers et al. 1987, §1.4 item 3 (push vs. pull)",
        help: "push sends one's hot rumors, pull asks a peer for its hot rumors, push-pull both",
    },
    ParamDoc {
        field: "feedback",
        label: "feedback",
        kind: ParamKind::Bool,
        unit: "",
        source: "Demers et al. 1987, §1.4 item 1 (blind vs. feedback)",
        help: "count a contact against a rumor only when the partner already knew it (off: blind, every contact)",
    },
    ParamDoc {
        field: "removal",
        label: "removal",
        kind: ParamKind::Choice(Removal::NAMES),
        unit: "",
        source: "Demers et al. 1987, §1.4 item 2 (counter vs. coin)",
        help: "lose interest after k unnecessary contacts (counter) or with odds 1/k at each (coin)",
    },
    ParamDoc {
        field: "k",
        label: "k",
        kind: ParamKind::Int { min: 1, max: 64 },
        unit: "",
        source: "Demers et al. 1987, §1.4, Table 1 (k = 1-5)",
        help: "the counter's limit or the coin's odds: larger k, smaller residue, more traffic",
    },
    ParamDoc {
        field: "counter_reset",
        label: "counter reset",
        kind: ParamKind::Bool,
        unit: "",
        source: "Demers et al. 1987, §1.4: Table 1 is reproduced with the reset (see docs/protocols/rumor.md)",
        help: "a contact the partner needed sets the rumor's counter back to zero (off: k unnecessary contacts in all)",
    },
    ParamDoc {
        field: "connection_limit",
        label: "connection limit",
        kind: ParamKind::Int { min: 0, max: 1_000_000 },
        unit: "",
        source: "Demers et al. 1987, §1.4 item 3 (connection limit); 0 = none, as Table 1",
        help: "contacts a node accepts per period; past it a contact is refused and carries nothing",
    },
    ParamDoc {
        field: "hunt",
        label: "hunting",
        kind: ParamKind::Int { min: 0, max: 16 },
        unit: "",
        source: "Demers et al. 1987, §1.4 item 3 (hunting)",
        help: "other peers a refused node tries in the same period",
    },
    ParamDoc {
        field: "period_ms",
        label: "period",
        kind: ParamKind::Float { min: MIN_PERIOD_MS, max: MAX_PERIOD_MS },
        unit: "ms",
        source: "Demers et al. 1987, §1.4 (one contact per cycle); the length is this playground's",
        help: "time between a node's contacts with a random peer",
    },
    ParamDoc {
        field: "anti_entropy_period_ms",
        label: "anti-entropy backstop",
        kind: ParamKind::Float { min: 0.0, max: MAX_PERIOD_MS },
        unit: "ms",
        source: "Demers et al. 1987, §1.5 (anti-entropy as a backup); 0 = none",
        help: "period of the anti-entropy exchanges beneath, which bring the residue to zero",
    },
    ParamDoc {
        field: "anti_entropy_direction",
        label: "backstop direction",
        kind: ParamKind::Choice(Direction::NAMES),
        unit: "",
        source: "Demers et al. 1987, §1.3",
        help: "direction of the backstop's exchanges",
    },
    ParamDoc {
        field: "anti_entropy_rekindle",
        label: "rekindle",
        kind: ParamKind::Bool,
        unit: "",
        source: "Demers et al. 1987, §1.5 (redistribution vs. the conservative response)",
        help: "a message found by anti-entropy becomes a hot rumor again (off: only delivered)",
    },
    HEADER_BYTES,
];
