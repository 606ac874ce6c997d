//! The rumor-mongering family, for the registry: its kind, parameters, run-size estimate and
//! configuration.

use super::{Rumor, RumorConfig, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::anti_entropy::config::MIN_PERIOD_MS;
use crate::protocols::anti_entropy::family::{exchange_bound, exchange_loads};
use crate::protocols::anti_entropy::Direction;
use crate::protocols::params::ParamError;
use crate::protocols::load::InformedCurve;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};

/// The rumor-mongering family.
pub struct RumorFamily;

impl Family for RumorFamily {
    type Protocol = Rumor;
    type Params = RumorConfig;
    type Error = ParamError;

    const KIND: &'static str = "rumor";
    const TITLE: &'static str = "Rumor mongering (Demers et al. 1987)";
    const SUMMARY: &'static str = "nodes push (or pull) hot rumors to a random member each period and lose \
        interest after k unnecessary contacts (counter) or with odds 1/k (coin): cheap, but leaves a residue \
        e^(-m) unless anti-entropy runs beneath";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] =
        &[PacketKind::Gossip, PacketKind::Pull, PacketKind::Ack, PacketKind::Digest, PacketKind::Leave];
    const STRUCTURE: Structure = Structure::Flat;

    fn label(params: &RumorConfig) -> &'static str {
        match (params.direction, params.anti_entropy_period_ms > 0.0) {
            (Direction::Push, false) => "rumor mongering (push)",
            (Direction::Pull, false) => "rumor mongering (pull)",
            (Direction::PushPull, false) => "rumor mongering (push-pull)",
            (Direction::Push, true) => "rumor mongering (push) + anti-entropy",
            (Direction::Pull, true) => "rumor mongering (pull) + anti-entropy",
            (Direction::PushPull, true) => "rumor mongering (push-pull) + anti-entropy",
        }
    }

    /// A backstop period, when set, must be one the period's range accepts.
    fn check(params: &RumorConfig, _run: &RunInfo) -> Result<(), ParamError> {
        let p = params.anti_entropy_period_ms;
        if p != 0.0 && p < MIN_PERIOD_MS {
            return Err(ParamError::param(
                "anti_entropy_period_ms",
                format!("must be 0 (no backstop) or at least {MIN_PERIOD_MS} ms, not {p}"),
            ));
        }
        Ok(())
    }

    /// 1: every packet is counted in the background bound.
    fn rounds(_params: &RumorConfig, _run: &RunInfo) -> (u64, String) {
        (1, String::new())
    }

    /// Per node life and period at most 1 + `hunt` contacts, each answered by at most one
    /// packet; the backstop's three packets per exchange; a goodbye per fault entry per sender.
    fn background(params: &RumorConfig, run: &RunInfo) -> (u64, String) {
        let contacts = run
            .lives
            .saturating_mul(run.periods(params.period_ms).saturating_add(1))
            .saturating_mul(1 + u64::from(params.hunt));
        let backstop =
            if params.anti_entropy_period_ms > 0.0 { exchange_bound(params.anti_entropy_period_ms, run) } else { 0 };
        let leaves = run.fault_entries.saturating_mul(run.senders.len() as u64);
        let formula = "2 packets × (1 + protocol.hunt) × node lives × (duration / protocol.period_ms + 1), \
                       3 × node lives × (duration / protocol.anti_entropy_period_ms + 1), a LEAVE per fault entry";
        (contacts.saturating_mul(2).saturating_add(backstop).saturating_add(leaves), formula.into())
    }

    /// Push: per batch of rumors hot together about (k + 1) contacts per member (Table 1:
    /// traffic 1.7-6.7 for k = 1-5), each answered with feedback; messages closer together than
    /// a rumor's life (about log2 n + ln n + k periods) share their contacts. Pull: a contact per
    /// node life per period whatever is hot. Two timers per contact; the backstop's exchanges.
    fn load(params: &RumorConfig, run: &RunInfo) -> Vec<Load> {
        let (n, lives) = (run.receivers() as f64 + 1.0, run.lives as f64);
        let k = f64::from(params.k);
        let life_ms = params.period_ms * (n.log2() + n.ln() + k);
        let batches = (run.messages as f64).min(1.0 + run.span_ms / life_ms);
        let (contacts, replies) = if params.direction.pulls() {
            let contacts = lives * run.periods(params.period_ms) as f64;
            (contacts, batches * n * (k + 1.0))
        } else {
            let contacts = batches * n * (k + 1.0);
            (contacts, if params.feedback { contacts } else { 0.0 })
        };
        let mut loads = vec![
            Load::packets("protocol.k", "contacts: (k + 1) per member per batch, or one per period pulling", contacts, lives),
            Load::packets("protocol.feedback", "replies: one per push with feedback", replies, lives),
            Load::timers("protocol.period_ms", "ticks: two per contact", 2.0 * contacts, lives),
        ];
        if params.anti_entropy_period_ms > 0.0 {
            loads.extend(exchange_loads(
                "protocol.anti_entropy_period_ms",
                params.anti_entropy_period_ms,
                params.anti_entropy_direction,
                run,
            ));
        }
        loads
    }

    /// A node stores every message (id and size) and its hot rumors.
    fn node_bytes(_params: &RumorConfig, run: &RunInfo) -> u64 {
        run.messages.saturating_mul(8).saturating_add(run.concurrent.saturating_mul(16)).saturating_add(64)
    }

    /// The mean-field model of §1.4 (the coin's; a lower bound for the counter), one step per
    /// period; the backstop is left out.
    fn informed_model(params: &RumorConfig, run: &RunInfo) -> Option<InformedCurve> {
        Some(super::model::curve(params, run.size))
    }

    fn configure(params: &RumorConfig, _group: &GroupInfo) -> RumorConfig {
        params.clone()
    }

    /// Push rumor mongering alone, and with the anti-entropy backstop.
    fn contenders() -> Vec<RumorConfig> {
        vec![RumorConfig::default(), RumorConfig { anti_entropy_period_ms: 1000.0, ..RumorConfig::default() }]
    }
}
