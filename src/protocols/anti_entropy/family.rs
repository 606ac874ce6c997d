//! The anti-entropy family, for the registry: its kind, parameters, run-size estimate and
//! configuration.

use super::{AntiEntropy, AntiEntropyConfig, Direction, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::load::InformedCurve;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};

/// The anti-entropy family.
pub struct AntiEntropyFamily;

/// Packets at most per exchange: the digest, the answer and the updates.
pub(crate) const PACKETS_PER_EXCHANGE: u64 = 3;

/// Packets an anti-entropy layer of period `period_ms` sends at most over the run: per node life
/// one exchange per period (and one more that the run's end cuts short), three packets each.
pub(crate) fn exchange_bound(period_ms: f64, run: &RunInfo) -> u64 {
    run.lives.saturating_mul(run.periods(period_ms).saturating_add(1)).saturating_mul(PACKETS_PER_EXCHANGE)
}

/// The expected cost of an anti-entropy layer of period `period_ms`: a digest per node life per
/// period, every message carried to every receiver about once (twice in push-pull, where a node
/// may get it as initiator and as responder in the period it becomes infected), and a timer per
/// exchange.
pub(crate) fn exchange_loads(field: &'static str, period_ms: f64, direction: Direction, run: &RunInfo) -> Vec<Load> {
    let exchanges = (run.lives as f64) * run.periods(period_ms) as f64;
    let copies = if direction == Direction::PushPull { 1.5 } else { 1.0 };
    let carried = run.messages as f64 * run.receivers() as f64 * copies;
    let lives = run.lives as f64;
    vec![
        Load::packets(field, "digests: node lives × periods", exchanges, lives),
        Load::packets("workload.messages", "answers and updates: about one per message per receiver", carried, lives),
        Load::timers(field, "exchange timers: node lives × periods", exchanges, lives),
    ]
}

impl Family for AntiEntropyFamily {
    type Protocol = AntiEntropy;
    type Params = AntiEntropyConfig;
    type Error = ParamError;

    const KIND: &'static str = "anti_entropy";
    const TITLE: &'static str = "Anti-entropy (Demers et al. 1987)";
    const SUMMARY: &'static str = "every period each node exchanges digests with one random member and the \
        messages either lacks cross over (push, pull or push-pull): a simple epidemic that reaches everyone, \
        at a digest per node per period";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] = &[PacketKind::Digest, PacketKind::Gossip, PacketKind::Pull, PacketKind::Leave];
    const STRUCTURE: Structure = Structure::Flat;

    fn label(params: &AntiEntropyConfig) -> &'static str {
        match params.direction {
            Direction::Push => "anti-entropy (push)",
            Direction::Pull => "anti-entropy (pull)",
            Direction::PushPull => "anti-entropy (push-pull)",
        }
    }

    /// 1: every packet is counted in the background bound.
    fn rounds(_params: &AntiEntropyConfig, _run: &RunInfo) -> (u64, String) {
        (1, String::new())
    }

    /// At most three packets per exchange, one exchange per node life per period, whatever the
    /// workload; and a goodbye to each contact per fault entry.
    fn background(params: &AntiEntropyConfig, run: &RunInfo) -> (u64, String) {
        let leaves = run.fault_entries.saturating_mul(run.senders.len() as u64);
        let formula = "3 packets × node lives × (duration / protocol.period_ms + 1), and a LEAVE per fault entry \
                       per sender";
        (exchange_bound(params.period_ms, run).saturating_add(leaves), formula.into())
    }

    fn load(params: &AntiEntropyConfig, run: &RunInfo) -> Vec<Load> {
        exchange_loads("protocol.period_ms", params.period_ms, params.direction, run)
    }

    /// A node stores every message: its id and size.
    fn node_bytes(_params: &AntiEntropyConfig, run: &RunInfo) -> u64 {
        run.messages.saturating_mul(8).saturating_add(64)
    }

    /// Demers' recurrences for the susceptible fraction (§1.3), one step per period.
    fn informed_model(params: &AntiEntropyConfig, run: &RunInfo) -> Option<InformedCurve> {
        Some(super::model::curve(params.direction, run.size, params.period_ms))
    }

    fn configure(params: &AntiEntropyConfig, _group: &GroupInfo) -> AntiEntropyConfig {
        params.clone()
    }

    /// Push, pull and push-pull.
    fn contenders() -> Vec<AntiEntropyConfig> {
        [Direction::Push, Direction::Pull, Direction::PushPull]
            .into_iter()
            .map(|direction| AntiEntropyConfig { direction, ..AntiEntropyConfig::default() })
            .collect()
    }
}
