//! Anti-entropy's parameters: the direction of the exchange, the period and the header.
//!
//! Demers et al. (1987, §1.3) compare push, pull and push-pull anti-entropy; pull and push-pull
//! leave far fewer susceptible sites after a few cycles than push (p_{i+1} = p_i² for pull
//! against p_{i+1} ≈ p_i e^{-1} for push), so push-pull is the default here. The period is the
//! paper's cycle; its length in milliseconds is this playground's (the paper counts cycles).

use super::exchange::Direction;
use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use serde::{Deserialize, Serialize};

/// Parameters of anti-entropy, shared by every node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AntiEntropyConfig {
    /// Which way updates flow in an exchange.
    pub direction: Direction,
    /// Time between a node's exchanges (milliseconds): the paper's cycle. In the rounds mode,
    /// two rounds let a pull's answer arrive by the next cycle.
    pub period_ms: f64,
    /// Per-packet header (bytes).
    pub header_bytes: u32,
}

impl Default for AntiEntropyConfig {
    fn default() -> Self {
        AntiEntropyConfig { direction: Direction::PushPull, period_ms: 200.0, header_bytes: 40 }
    }
}

/// The shortest period accepted (milliseconds).
pub const MIN_PERIOD_MS: f64 = 1.0;
/// The longest period accepted (milliseconds): an hour.
pub const MAX_PERIOD_MS: f64 = 3_600_000.0;

/// The `direction` parameter, shared with rumor mongering's backstop.
pub const DIRECTION: ParamDoc = ParamDoc {
    field: "direction",
    label: "direction",
    kind: ParamKind::Choice(Direction::NAMES),
    unit: "",
    source: "Demers et al. 1987, §1.3 (push, pull, push-pull)",
    help: "push sends the peer what it lacks, pull asks for what one lacks, push-pull both",
};

/// Anti-entropy's parameters, for the page's editor and docs/protocols/anti_entropy.md.
pub const PARAMS: &[ParamDoc] = &[
    DIRECTION,
    ParamDoc {
        field: "period_ms",
        label: "period",
        kind: ParamKind::Float { min: MIN_PERIOD_MS, max: MAX_PERIOD_MS },
        unit: "ms",
        source: "Demers et al. 1987, §1.3 (one exchange per cycle); the length is this playground's",
        help: "time between a node's exchanges with a random peer",
    },
    HEADER_BYTES,
];
