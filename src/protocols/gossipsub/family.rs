//! GossipSub in the registry: its kind, parameters, run-size estimate and setup.

use super::mcache::GOSSIP_RETRANSMISSION;
use super::{Gossipsub, GossipsubConfig, Setup, PARAMS};
use crate::protocol::{GroupInfo, PacketKind};
use crate::protocols::params::ParamError;
use crate::protocols::{Family, Load, ParamDoc, RunInfo, Structure};
use std::sync::Arc;

/// The GossipSub family.
pub struct GossipsubFamily;

/// Peers a node ends up connected to, about: those it dialed and as many that dialed it.
fn typical_peers(params: &GossipsubConfig) -> f64 {
    2.0 * f64::from(params.connections)
}

/// IHAVE targets per heartbeat, at most: max(D_lazy, gossip factor × peers), with peers taken as
/// three times `connections` (a node dialed by more than its share).
fn gossip_targets(params: &GossipsubConfig) -> u64 {
    let by_factor = (params.gossip_factor * 3.0 * f64::from(params.connections)).ceil() as u64;
    u64::from(params.d_lazy).max(by_factor)
}

impl Family for GossipsubFamily {
    type Protocol = Gossipsub;
    type Params = GossipsubConfig;
    type Error = ParamError;

    const KIND: &'static str = "gossipsub";
    const TITLE: &'static str = "GossipSub v1.1 (libp2p; Vyzovitis et al. 2020)";
    const SUMMARY: &'static str = "full messages over a mesh of degree D kept by a heartbeat \
        with GRAFT and PRUNE, IHAVE/IWANT gossip to other peers, flood publishing, and peer scores that prune \
        peers which do not deliver";
    const PARAMS: &'static [ParamDoc] = PARAMS;
    const PACKETS: &'static [PacketKind] = &[
        PacketKind::Gossip,
        PacketKind::Ihave,
        PacketKind::Iwant,
        PacketKind::Graft,
        PacketKind::Prune,
        PacketKind::Join,
    ];
    const STRUCTURE: Structure = Structure::Tree;

    fn label(params: &GossipsubConfig) -> &'static str {
        if params.scoring {
            "GossipSub v1.1"
        } else {
            "GossipSub v1.1 without peer scoring"
        }
    }

    /// A receiver gets one message at most once from each peer whose mesh holds it (D_hi), once
    /// by flood publishing, and through IWANT at most three times from a peer it asked.
    fn rounds(params: &GossipsubConfig, _run: &RunInfo) -> (u64, String) {
        let r = u64::from(params.d_hi) + 1 + u64::from(GOSSIP_RETRANSMISSION);
        (r, "protocol.d_hi mesh forwards + 1 flood publish + 3 IWANT answers".into())
    }

    /// Per node life and heartbeat: IHAVE to max(D_lazy, gossip factor × peers) peers and as
    /// many IWANTs, GRAFTs and PRUNEs up to 2 D; subscriptions on each side of `connections`
    /// connections and of as many more found through peer exchange.
    fn background(params: &GossipsubConfig, run: &RunInfo) -> (u64, String) {
        let beats = run.periods(params.heartbeat_ms).saturating_add(1);
        let per_beat = 2 * gossip_targets(params) + 2 * u64::from(params.d);
        let gossip = run.lives.saturating_mul(beats).saturating_mul(per_beat);
        let subscriptions = run.lives.saturating_mul(4 * u64::from(params.connections));
        let formula = "node lives × (duration / protocol.heartbeat_ms + 1) × (2 × IHAVE targets + 2 × protocol.d) \
                       gossip and mesh control, and 4 × protocol.connections subscriptions per node life";
        (gossip.saturating_add(subscriptions), formula.into())
    }

    /// Messages: each node forwards each message to about D mesh peers, the publisher floods it
    /// to its peers; IHAVE gossip from every node for the heartbeats its cache advertises
    /// anything; IWANTs and their answers for the copies the mesh lost; the mesh's GRAFTs and
    /// PRUNEs (about 2 D per node while it forms, and a few per heartbeat after); the
    /// subscriptions; a heartbeat timer per node per period.
    fn load(params: &GossipsubConfig, run: &RunInfo) -> Vec<Load> {
        let (n, m, d) = (run.lives as f64, run.messages as f64, f64::from(params.d));
        let beats = run.periods(params.heartbeat_ms) as f64 + 1.0;
        let gossiping = (run.span_ms / params.heartbeat_ms + f64::from(params.mcache_gossip) + 1.0).min(beats);
        let targets = f64::from(params.d_lazy).max(params.gossip_factor * typical_peers(params));
        let under_way = n * d * run.concurrent as f64;
        let lost = m * n * (run.loss + 0.05);
        vec![
            Load::packets("workload.messages", "mesh forwards: messages × nodes × D", m * n * d, under_way),
            Load::packets("workload.messages", "flood publishing: messages × peers", m * typical_peers(params), under_way),
            Load::packets("protocol.heartbeat_ms", "IHAVE: nodes × heartbeats gossiping × targets", n * gossiping * targets, n * targets),
            Load::packets("workload.messages", "IWANT and answers: 2 × copies the mesh lost", 2.0 * lost, n),
            Load::packets("protocol.d", "GRAFT and PRUNE: nodes × 2 D, and 0.2 per heartbeat", n * (2.0 * d + 0.2 * beats), n * d),
            Load::packets("protocol.connections", "subscriptions: nodes × 2 × connections", 2.0 * n * f64::from(params.connections), n * f64::from(params.connections)),
            Load::timers("protocol.heartbeat_ms", "heartbeats: nodes × periods", n * beats, n),
        ]
    }

    /// Its peers (about 2 × connections, 64 bytes each), the seen cache (a bit per message), the
    /// message cache (the messages of `mcache_len` heartbeats, 96 bytes each) and its promises.
    fn node_bytes(params: &GossipsubConfig, run: &RunInfo) -> u64 {
        let peers = 64 * typical_peers(params) as u64;
        let per_ms = if run.span_ms > 0.0 { run.messages as f64 / run.span_ms } else { run.messages as f64 };
        let cached = (per_ms * params.heartbeat_ms * f64::from(params.mcache_len)).ceil().min(run.messages as f64) as u64;
        peers + run.messages / 8 + 96 * cached.max(1) + 128
    }

    /// The parameters with the specification's constraints between them clamped
    /// ([`GossipsubConfig::effective`]).
    fn configure(params: &GossipsubConfig, group: &GroupInfo) -> Arc<Setup> {
        Setup::new(params.effective(), group)
    }

    /// With peer scoring (the specification's v1.1), and without.
    fn contenders() -> Vec<GossipsubConfig> {
        vec![GossipsubConfig::default(), GossipsubConfig { scoring: false, ..GossipsubConfig::default() }]
    }
}
