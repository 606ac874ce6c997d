//! The gossip family, for the registry: its kind, parameters, run-size estimate and setup.

use super::{Gossip, GossipConfig, Mode, Peers, Setup, Spread, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::load::InformedCurve;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};
use std::sync::Arc;

/// The gossip family.
pub struct GossipFamily;

/// The fraction π of the group a forward-once push with fanout `f` reaches in a large group:
/// the root of π = 1 − e^(−f π) in (0, 1] (the giant component of a random graph of mean
/// degree f; Eugster et al. 2003 §4, after Erdős and Rényi). 0 for f ≤ 1.
pub fn reached_fraction(f: f64) -> f64 {
    if f <= 1.0 {
        return 0.0;
    }
    let mut pi = 1.0;
    for _ in 0..200 {
        pi = 1.0 - libm::exp(-f * pi);
    }
    pi
}

/// Pushes of one message by one node: once on receipt, or once per period for `rounds`.
fn pushes_per_node(params: &GossipConfig) -> u64 {
    match params.spread {
        Spread::Once | Spread::Ttl => 1,
        Spread::Rounds => u64::from(params.rounds),
    }
}

/// Periods after its first receipt in which a node spreads something (push alone, `rounds`):
/// each message for `rounds` − 1 periods after its receipt's forward, the messages spread over
/// the workload's span, so at most messages × (rounds − 1) and about span / period + rounds − 1.
fn spreading_periods(params: &GossipConfig, run: &RunInfo) -> f64 {
    let after = f64::from(params.rounds.saturating_sub(1));
    (run.messages as f64 * after).min(run.span_ms / params.period_ms + after)
}

/// Expected nodes a push of one message reaches among `n`.
fn reached(params: &GossipConfig, n: f64) -> f64 {
    let f = f64::from(params.fanout);
    match params.spread {
        Spread::Rounds => n,
        Spread::Once => n * reached_fraction(f).max(1.0 / n.max(1.0)),
        Spread::Ttl => {
            let flood: f64 = (0..=params.ttl).map(|k| f.powi(k as i32)).sum();
            (n * reached_fraction(f)).max(1.0).min(flood)
        }
    }
}

impl Family for GossipFamily {
    type Protocol = Gossip;
    type Params = GossipConfig;
    type Error = ParamError;

    const KIND: &'static str = "gossip";
    const TITLE: &'static str = "Gossip (Demers et al. 1987)";
    const SUMMARY: &'static str = "epidemic multicast: every node holding a message pushes it to random peers, \
        pulls what it lacks, or both, with uniform peers or a Cyclon partial view";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] =
        &[PacketKind::Gossip, PacketKind::Pull, PacketKind::Shuffle, PacketKind::Join, PacketKind::Leave];
    const STRUCTURE: Structure = Structure::Flat;

    fn label(params: &GossipConfig) -> &'static str {
        match (params.mode, params.spread) {
            (Mode::Push, Spread::Once) => "push gossip, forward once",
            (Mode::Push, Spread::Rounds) => "push gossip",
            (Mode::Push, Spread::Ttl) => "push gossip with TTL",
            (Mode::Pull, Spread::Once) => "pull gossip, serve once",
            (Mode::Pull, Spread::Rounds) => "pull gossip",
            (Mode::Pull, Spread::Ttl) => "pull gossip with TTL",
            (Mode::PushPull, Spread::Once) => "push-pull gossip, forward once",
            (Mode::PushPull, Spread::Rounds) => "push-pull gossip",
            (Mode::PushPull, Spread::Ttl) => "push-pull gossip with TTL",
        }
    }

    /// A Cyclon shuffle sends at most the view: `shuffle_length` must not exceed `view_size`.
    fn check(params: &GossipConfig, _run: &RunInfo) -> Result<(), ParamError> {
        if params.peers == Peers::Cyclon && params.shuffle_length > params.view_size {
            let reason = format!("must be at most view_size ({}), got {}", params.view_size, params.shuffle_length);
            return Err(ParamError::param("shuffle_length", reason));
        }
        Ok(())
    }

    /// Every node life pushes one message at most `pushes` times (1 forward-once or with a TTL,
    /// `rounds` otherwise) to `fanout` peers: lives × pushes × fanout packets over the
    /// size − 1 receivers. Pulls and their answers are background.
    fn rounds(params: &GossipConfig, run: &RunInfo) -> (u64, String) {
        if !params.mode.pushes() {
            return (1, String::new());
        }
        let per_message = run.lives.saturating_mul(pushes_per_node(params)).saturating_mul(u64::from(params.fanout));
        let r = per_message.div_ceil(u64::from(run.size.saturating_sub(1)).max(1)).max(1);
        (r, "pushes (lives × protocol.fanout × pushes per node (1, or protocol.rounds) / receivers)".into())
    }

    /// Per node life and period (and one more for the first, drawn), a PULL or push-pull GOSSIP
    /// to `fanout` peers and at most one answer each; Cyclon shuffles and their answers per node
    /// life and shuffle period; JOINs and their answers per joining life, LEAVEs per fault.
    fn background(params: &GossipConfig, run: &RunInfo) -> (u64, String) {
        let lives = run.lives;
        let mut total = 0u64;
        if params.mode.pulls() {
            let periods = run.periods(params.period_ms).saturating_add(1);
            total = total.saturating_add(lives.saturating_mul(periods).saturating_mul(2 * u64::from(params.fanout)));
        }
        if params.peers == Peers::Cyclon {
            let periods = run.periods(params.shuffle_period_ms).saturating_add(1);
            total = total.saturating_add(lives.saturating_mul(periods).saturating_mul(2));
        }
        let joins = lives.saturating_sub(u64::from(run.size)).saturating_mul(2 * run.senders.len() as u64);
        let leaves = run.fault_entries.saturating_mul(u64::from(params.fanout));
        total = total.saturating_add(joins).saturating_add(leaves);
        let formula = "pulls and answers (lives × (duration / protocol.period_ms + 1) × 2 × protocol.fanout), \
                       shuffles (lives × (duration / protocol.shuffle_period_ms + 1) × 2), joins and leaves";
        (total, formula.into())
    }

    /// Pushes: forward-once reaches n π nodes (π = 1 − e^(−f π)), each sending f packets;
    /// with `rounds` every node sends f packets for each of its periods; pulls: one PULL per
    /// node per period to f peers for the whole run, and about one answer per node per message
    /// and peer; Cyclon shuffles; timers per period.
    fn load(params: &GossipConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m, f) = (run.lives as f64, run.messages as f64, f64::from(params.fanout));
        let under_way = n * f * run.concurrent as f64;
        let mut loads = Vec::new();
        if params.mode.pushes() {
            // A forward on each receipt; push alone with `rounds` adds one batched push per
            // period while the node spreads anything.
            let pushes = m * reached(params, n) * f;
            loads.push(Load::packets("protocol.fanout", "pushes on receipt: messages × nodes reached × fanout", pushes, under_way));
        }
        if params.spread == Spread::Rounds && !params.mode.pulls() {
            let ticks = n * spreading_periods(params, run);
            loads.push(Load::packets("protocol.rounds", "periodic pushes: nodes × periods spreading × fanout", ticks * f, n * f));
            loads.push(Load::timers("protocol.rounds", "push periods: nodes × periods spreading", ticks, n));
        }
        if params.mode.pulls() {
            let periods = run.periods(params.period_ms) as f64 + 1.0;
            let contacts = n * periods * f;
            loads.push(Load::packets("protocol.period_ms", "pulls: nodes × periods × fanout", contacts, n * f));
            loads.push(Load::packets("workload.messages", "answers: messages × nodes × fanout", m * n * f, under_way));
            loads.push(Load::timers("protocol.period_ms", "gossip periods: nodes × periods", n * periods, n));
        }
        if params.peers == Peers::Cyclon {
            let periods = run.periods(params.shuffle_period_ms) as f64 + 1.0;
            loads.push(Load::packets("protocol.shuffle_period_ms", "shuffles and answers: nodes × periods × 2", 2.0 * n * periods, n));
            loads.push(Load::timers("protocol.shuffle_period_ms", "shuffle periods: nodes × periods", n * periods, n));
        }
        let joins = run.lives.saturating_sub(u64::from(run.size)) as f64 * run.senders.len() as f64 * 2.0;
        loads.push(Load::packets("faults", "JOINs and their answers, per joining node life", joins, joins));
        loads
    }

    /// What some nodes keep behind their pointer: the messages they spread (24 bytes each), the
    /// digest's bits past 64 messages, and a Cyclon view; none for forward-once push.
    fn node_bytes(params: &GossipConfig, run: &RunInfo) -> u64 {
        let stores = params.mode.pulls() || params.spread == Spread::Rounds || params.peers == Peers::Cyclon;
        if !stores {
            return run.messages / 8;
        }
        let view = if params.peers == Peers::Cyclon { 16 * u64::from(params.view_size) } else { 0 };
        96 + 24 * run.messages.min(4096) + run.messages / 8 + view + 4 * u64::from(run.joiners)
    }

    /// The mean-field curve of [`super::informed_curve`].
    fn informed_model(params: &GossipConfig, run: &RunInfo) -> Option<InformedCurve> {
        super::informed_curve(params, run)
    }

    fn configure(params: &GossipConfig, group: &GroupInfo) -> Arc<Setup> {
        Setup::new(params.clone(), group.size)
    }

    /// Push-pull (the default) against push.
    fn contenders() -> Vec<GossipConfig> {
        vec![GossipConfig::default(), GossipConfig { mode: Mode::Push, ..GossipConfig::default() }]
    }
}
