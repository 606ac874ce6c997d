//! Bimodal multicast in the registry: its kind, parameters, run-size estimate and configuration.

use super::{informed_curve, list_bytes, FirstPhase, Pbcast, PbcastConfig, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, InformedCurve, Load, ParamDoc, RunInfo, Structure};

/// The bimodal multicast family.
pub struct PbcastFamily;

impl Family for PbcastFamily {
    type Protocol = Pbcast;
    type Params = PbcastConfig;
    type Error = ParamError;

    const KIND: &'static str = "pbcast";
    const TITLE: &'static str = "Bimodal multicast (Birman et al. 1999)";
    const SUMMARY: &'static str = "pbcast: an unreliable multicast (or tree), then rounds in which each member \
        gossips a digest of what it holds to random members, which solicit what they lack; retransmission \
        limits and garbage collection make delivery all-or-almost-none";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] = &[
        PacketKind::Data,
        PacketKind::Digest,
        PacketKind::Nak,
        PacketKind::Repair,
        PacketKind::Join,
        PacketKind::Leave,
    ];
    const STRUCTURE: Structure = Structure::Flat;

    fn label(params: &PbcastConfig) -> &'static str {
        match params.first_phase {
            FirstPhase::Multicast => "pbcast",
            FirstPhase::Tree => "pbcast over a tree",
            FirstPhase::None => "pbcast without a first phase (gossip only)",
        }
    }

    /// 1 + 2 f (G + 1) L / (n − 1), rounded up: one first-phase copy per receiver, and per
    /// message at most one solicitation and one retransmission per digest naming it, of which
    /// each of the L node lives sends at most f for each of the G + 1 rounds it holds it (the
    /// round it got it and `gc_rounds` more), spread over the n − 1 receivers.
    fn rounds(params: &PbcastConfig, run: &RunInfo) -> (u64, String) {
        let receivers = u64::from(run.size.saturating_sub(1)).max(1);
        let digests = u64::from(params.fanout).saturating_mul(u64::from(params.gc_rounds) + 1);
        let per_receiver = (2 * digests).saturating_mul(run.lives).div_ceil(receivers);
        let formula = "(1 + 2 × protocol.fanout × (protocol.gc_rounds + 1) × node lives / receivers) copies, \
                       solicitations and retransmissions";
        (1u64.saturating_add(per_receiver), formula.into())
    }

    /// Digests and the solicitations answering them: per node life, `fanout` of each every
    /// round of the run (a node holding nothing sends none); a JOIN and a LEAVE to each contact
    /// per node life.
    fn background(params: &PbcastConfig, run: &RunInfo) -> (u64, String) {
        let rounds = run.periods(params.round_ms).saturating_add(1);
        let digests = run.lives.saturating_mul(u64::from(params.fanout)).saturating_mul(rounds);
        let membership = run.lives.saturating_mul(2 * run.senders.len() as u64);
        let formula = "2 × node lives × protocol.fanout × (duration / protocol.round_ms + 1) digests and \
                       solicitations, and a JOIN and LEAVE per contact per node life";
        (digests.saturating_mul(2).saturating_add(membership), formula.into())
    }

    /// The first phase's copies; digests from every member for as many rounds as it holds a
    /// message (from the first message until the last is garbage collected); about one
    /// solicitation and one retransmission per copy lost in the first phase; a round timer per
    /// member per such round.
    fn load(params: &PbcastConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m) = (run.receivers() as f64, run.messages as f64);
        let copies = if params.first_phase == FirstPhase::None { 0.0 } else { m * n };
        let missed = if params.first_phase == FirstPhase::None { m * n } else { m * n * run.loss };
        let active_rounds = (run.span_ms / params.round_ms).ceil() + f64::from(params.gc_rounds) + 1.0;
        let rounds = active_rounds.min(run.periods(params.round_ms) as f64 + 1.0);
        let lives = run.lives as f64;
        let digests = lives * f64::from(params.fanout) * rounds;
        let under_way = n * run.concurrent as f64;
        vec![
            Load::packets("workload.messages", "first phase: messages × receivers", copies, under_way),
            Load::packets("protocol.round_ms", "digests: members × fanout × rounds holding a message", digests, lives),
            Load::packets("workload.messages", "solicitations: about one per copy the first phase lost", missed, lives),
            Load::packets("workload.messages", "retransmissions: about one per copy the first phase lost", missed, lives),
            Load::timers("protocol.round_ms", "round timers: members × rounds holding a message", lives * rounds, lives),
        ]
    }

    /// A bit per message delivered, and the messages held for `gc_rounds` rounds with their
    /// digest entries.
    fn node_bytes(params: &PbcastConfig, run: &RunInfo) -> u64 {
        let window_ms = params.round_ms * f64::from(params.gc_rounds + 1);
        let per_ms = if run.span_ms > 0.0 { run.messages as f64 / run.span_ms } else { run.messages as f64 };
        let held = (per_ms * window_ms).ceil().min(run.messages as f64).max(1.0) as u64;
        let entry = 48 + u64::from(list_bytes(0, 1));
        run.messages.div_ceil(8).saturating_add(held.saturating_mul(entry))
    }

    /// The mean-field model of `model.rs`: the first phase, then gossip rounds.
    fn informed_model(params: &PbcastConfig, run: &RunInfo) -> Option<InformedCurve> {
        informed_curve(params, run)
    }

    fn configure(params: &PbcastConfig, _group: &GroupInfo) -> PbcastConfig {
        params.clone()
    }

    /// With the first phase (the paper's protocol), and gossip alone.
    fn contenders() -> Vec<PbcastConfig> {
        vec![PbcastConfig::default(), PbcastConfig { first_phase: FirstPhase::None, ..PbcastConfig::default() }]
    }
}
