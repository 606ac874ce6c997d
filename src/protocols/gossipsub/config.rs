//! GossipSub's parameters: the scenario's `protocol` object for `"kind": "gossipsub"`, and their
//! table for the page's editor and docs/protocols/gossipsub.md.
//!
//! Defaults are the specification's (libp2p `pubsub/gossipsub/gossipsub-v1.0.md`, "Parameters";
//! `gossipsub-v1.1.md`, "Protocol extensions" and "Peer Scoring") and those of its reference
//! implementation, go-libp2p-pubsub, where the specification leaves a value open (D_lo = 5,
//! D_score = 4, D_out = 2). The score thresholds are the ones Ethereum's beacon network runs
//! (Lighthouse's and Lodestar's: gossip −4000, publish −8000, graylist −16000, accept PX 100,
//! opportunistic graft 5); the topic's weights are this playground's, scaled to them as the
//! specification's "Guidelines for Tuning the Scoring Function" ask: an honest mesh peer scores
//! between 0 and about 100, a mesh peer that forwards nothing falls below 0 once its mesh
//! delivery deficit is active, and only misbehaviour far worse than that reaches the graylist.

use crate::protocols::{ParamDoc, ParamKind, HEADER_BYTES};
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Parameters of GossipSub v1.1, shared by every node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GossipsubConfig {
    /// Peers each node dials at the start (its outbound connections); others dial it.
    pub connections: u32,
    /// The mesh's target degree D.
    pub d: u32,
    /// The mesh's low watermark D_lo: below it the heartbeat grafts up to D.
    pub d_lo: u32,
    /// The mesh's high watermark D_hi: above it the heartbeat prunes down to D.
    pub d_hi: u32,
    /// Peers kept by score when the heartbeat prunes an oversubscribed mesh (D_score).
    pub d_score: u32,
    /// Outbound peers the mesh keeps at least (D_out).
    pub d_out: u32,
    /// Non-mesh peers each heartbeat's IHAVE gossip goes to at least (D_lazy).
    pub d_lazy: u32,
    /// The fraction of eligible non-mesh peers gossip goes to, when more than D_lazy.
    pub gossip_factor: f64,
    /// The heartbeat's period (milliseconds); scores decay once per heartbeat.
    pub heartbeat_ms: f64,
    /// Heartbeats the message cache keeps a message for IWANT (mcache_len).
    pub mcache_len: u32,
    /// Heartbeats of the message cache whose ids IHAVE gossips (mcache_gossip).
    pub mcache_gossip: u32,
    /// How long a pruned peer waits before it may graft again (milliseconds).
    pub prune_backoff_ms: f64,
    /// Peers a PRUNE offers in its peer exchange (PX); 0 turns PX off.
    pub prune_peers: u32,
    /// Whether a publisher sends its own message to every connected peer above the publish
    /// threshold, not only its mesh.
    pub flood_publish: bool,
    /// How long a peer has to deliver a message it advertised and was asked for (milliseconds).
    pub iwant_followup_ms: f64,
    /// Whether peers are scored (v1.1); off: every score is 0 and no threshold applies.
    pub scoring: bool,
    /// Below this score a peer gets no gossip and its gossip is ignored.
    pub gossip_threshold: f64,
    /// Below this score a publisher does not flood its messages to the peer.
    pub publish_threshold: f64,
    /// Below this score everything the peer sends is ignored.
    pub graylist_threshold: f64,
    /// A PRUNE's peer exchange is followed only from a peer scoring at least this.
    pub accept_px_threshold: f64,
    /// Opportunistic grafting starts when the mesh's median score falls below this.
    pub opportunistic_graft_threshold: f64,
    /// Heartbeats between opportunistic grafting checks.
    pub opportunistic_graft_ticks: u32,
    /// P₁'s weight, per second in the mesh (capped at an hour).
    pub time_in_mesh_weight: f64,
    /// P₂'s weight, per first delivery (decaying, capped).
    pub first_deliveries_weight: f64,
    /// P₃'s weight, per squared delivery deficit (negative).
    pub mesh_deliveries_weight: f64,
    /// P₃'s threshold: decayed mesh deliveries expected of an active mesh peer.
    pub mesh_deliveries_threshold: f64,
    /// Time in the mesh before P₃ counts (milliseconds).
    pub mesh_deliveries_activation_ms: f64,
    /// How late a duplicate from a mesh peer still counts as its delivery (milliseconds).
    pub mesh_deliveries_window_ms: f64,
    /// P₃b's weight, per squared deficit left when the peer was pruned (negative).
    pub mesh_failure_weight: f64,
    /// P₅'s weight: the application's score of the well-known nodes (bootstrappers).
    pub app_specific_weight: f64,
    /// P₇'s weight, per squared behaviour penalty past its threshold (negative).
    pub behaviour_penalty_weight: f64,
    /// Per-packet header added to the payload (bytes).
    pub header_bytes: u32,
}

impl Default for GossipsubConfig {
    fn default() -> Self {
        GossipsubConfig {
            connections: 10,
            d: 6,
            d_lo: 5,
            d_hi: 12,
            d_score: 4,
            d_out: 2,
            d_lazy: 6,
            gossip_factor: 0.25,
            heartbeat_ms: 1000.0,
            mcache_len: 5,
            mcache_gossip: 3,
            prune_backoff_ms: 60_000.0,
            prune_peers: 16,
            flood_publish: true,
            iwant_followup_ms: 3000.0,
            scoring: true,
            gossip_threshold: -4000.0,
            publish_threshold: -8000.0,
            graylist_threshold: -16000.0,
            accept_px_threshold: 100.0,
            opportunistic_graft_threshold: 5.0,
            opportunistic_graft_ticks: 60,
            time_in_mesh_weight: 0.01,
            first_deliveries_weight: 1.0,
            mesh_deliveries_weight: -20.0,
            mesh_deliveries_threshold: 1.0,
            mesh_deliveries_activation_ms: 5000.0,
            mesh_deliveries_window_ms: 500.0,
            mesh_failure_weight: -20.0,
            app_specific_weight: 200.0,
            behaviour_penalty_weight: -1.0,
            header_bytes: 40,
        }
    }
}

impl GossipsubConfig {
    /// The heartbeat's period.
    pub fn heartbeat(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.heartbeat_ms)
    }

    /// The PRUNE backoff.
    pub fn backoff(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.prune_backoff_ms)
    }
}

impl GossipsubConfig {
    /// The parameters a node runs with: the specification's constraints between them
    /// (gossipsub-v1.0.md "Parameters", v1.1 "Outbound Mesh Quotas" and "Score Thresholds")
    /// enforced by clamping rather than refusal, so that each parameter's whole range stays
    /// usable whatever the others are: D_lo ≤ D ≤ D_hi (D_lo lowered to D, D_hi raised to it),
    /// D_score ≤ D, D_out ≤ min(D/2, D_lo − 1), mcache_gossip ≤ mcache_len, and graylist ≤
    /// publish ≤ gossip threshold (each lowered to the one above it).
    pub fn effective(&self) -> GossipsubConfig {
        let d = self.d;
        let d_lo = self.d_lo.min(d);
        let publish = self.publish_threshold.min(self.gossip_threshold);
        GossipsubConfig {
            d_lo,
            d_hi: self.d_hi.max(d),
            d_score: self.d_score.min(d),
            d_out: self.d_out.min(d / 2).min(d_lo.saturating_sub(1)),
            mcache_gossip: self.mcache_gossip.min(self.mcache_len),
            publish_threshold: publish,
            graylist_threshold: self.graylist_threshold.min(publish),
            ..self.clone()
        }
    }
}

const SPEC10: &str = "libp2p gossipsub-v1.0.md, Parameters";
const SCORE: &str = "libp2p gossipsub-v1.1.md, The Score Function; weight: this playground, scaled to the \
                     thresholds (see docs/protocols/gossipsub.md)";

/// The parameter table of GossipSub.
pub const PARAMS: &[ParamDoc] = &[
    ParamDoc {
        field: "connections",
        label: "connections dialed",
        kind: ParamKind::Int { min: 1, max: 100 },
        unit: "peers",
        source: "this playground (libp2p leaves connections to peer discovery; a node ends with about twice \
                 this many, counting those that dial it)",
        help: "peers each node dials at the start; mesh and gossip are drawn from the connected peers",
    },
    ParamDoc {
        field: "d",
        label: "D",
        kind: ParamKind::Int { min: 1, max: 50 },
        unit: "peers",
        source: SPEC10,
        help: "the mesh's target degree",
    },
    ParamDoc {
        field: "d_lo",
        label: "D_lo",
        kind: ParamKind::Int { min: 1, max: 50 },
        unit: "peers",
        source: "libp2p gossipsub-v1.0.md, Parameters (4); 5 in go-libp2p-pubsub and v1.1's examples",
        help: "below this many mesh peers the heartbeat grafts up to D",
    },
    ParamDoc {
        field: "d_hi",
        label: "D_hi",
        kind: ParamKind::Int { min: 1, max: 100 },
        unit: "peers",
        source: SPEC10,
        help: "above this many mesh peers the heartbeat prunes down to D",
    },
    ParamDoc {
        field: "d_score",
        label: "D_score",
        kind: ParamKind::Int { min: 0, max: 50 },
        unit: "peers",
        source: "libp2p gossipsub-v1.1.md, Heartbeat Maintenance; 4 in go-libp2p-pubsub",
        help: "mesh peers kept by score when the heartbeat prunes; the rest of D at random",
    },
    ParamDoc {
        field: "d_out",
        label: "D_out",
        kind: ParamKind::Int { min: 0, max: 25 },
        unit: "peers",
        source: "libp2p gossipsub-v1.1.md, Outbound Mesh Quotas; 2 in go-libp2p-pubsub",
        help: "outbound peers (ones this node dialed) the mesh keeps at least",
    },
    ParamDoc {
        field: "d_lazy",
        label: "D_lazy",
        kind: ParamKind::Int { min: 0, max: 100 },
        unit: "peers",
        source: SPEC10,
        help: "non-mesh peers each heartbeat's IHAVE gossip goes to, at least",
    },
    ParamDoc {
        field: "gossip_factor",
        label: "gossip factor",
        kind: ParamKind::Float { min: 0.0, max: 1.0 },
        unit: "fraction",
        source: "libp2p gossipsub-v1.1.md, Adaptive Gossip Dissemination",
        help: "fraction of the eligible non-mesh peers gossip goes to, when more than D_lazy",
    },
    ParamDoc {
        field: "heartbeat_ms",
        label: "heartbeat",
        kind: ParamKind::Float { min: 10.0, max: 60_000.0 },
        unit: "ms",
        source: SPEC10,
        help: "period of mesh maintenance, gossip emission, cache shifting and score decay",
    },
    ParamDoc {
        field: "mcache_len",
        label: "mcache length",
        kind: ParamKind::Int { min: 1, max: 100 },
        unit: "heartbeats",
        source: SPEC10,
        help: "heartbeats a message stays in the cache, served to IWANT",
    },
    ParamDoc {
        field: "mcache_gossip",
        label: "mcache gossip",
        kind: ParamKind::Int { min: 1, max: 100 },
        unit: "heartbeats",
        source: SPEC10,
        help: "heartbeats of the cache whose message ids IHAVE advertises",
    },
    ParamDoc {
        field: "prune_backoff_ms",
        label: "prune backoff",
        kind: ParamKind::Float { min: 0.0, max: 3_600_000.0 },
        unit: "ms",
        source: "libp2p gossipsub-v1.1.md, PRUNE Backoff and Peer Exchange (1 minute)",
        help: "time a pruned pair waits before either grafts the other again",
    },
    ParamDoc {
        field: "prune_peers",
        label: "PX peers",
        kind: ParamKind::Int { min: 0, max: 100 },
        unit: "peers",
        source: "libp2p gossipsub-v1.1.md, PRUNE Backoff and Peer Exchange; 16 in go-libp2p-pubsub",
        help: "peers a PRUNE of an oversubscribed mesh offers the pruned peer to connect to",
    },
    ParamDoc {
        field: "flood_publish",
        label: "flood publishing",
        kind: ParamKind::Bool,
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Flood Publishing",
        help: "the publisher sends its message to every connected peer above the publish threshold",
    },
    ParamDoc {
        field: "iwant_followup_ms",
        label: "IWANT follow-up",
        kind: ParamKind::Float { min: 1.0, max: 600_000.0 },
        unit: "ms",
        source: "libp2p gossipsub-v1.1.md, Spam Protection Measures (IWantFollowupTime, 3 s in \
                 go-libp2p-pubsub)",
        help: "time an advertiser has to deliver a requested message before a behaviour penalty",
    },
    ParamDoc {
        field: "scoring",
        label: "peer scoring",
        kind: ParamKind::Bool,
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Peer Scoring; off: v1.1 without scores, for comparison",
        help: "score peers and act on the thresholds; off, every score is 0",
    },
    ParamDoc {
        field: "gossip_threshold",
        label: "gossip threshold",
        kind: ParamKind::Float { min: -1e9, max: 0.0 },
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Score Thresholds; −4000 as in Lighthouse (Ethereum)",
        help: "below it a peer gets no IHAVE and its IHAVE and IWANT are ignored",
    },
    ParamDoc {
        field: "publish_threshold",
        label: "publish threshold",
        kind: ParamKind::Float { min: -1e9, max: 0.0 },
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Score Thresholds; −8000 as in Lighthouse (Ethereum)",
        help: "below it a publisher does not flood its messages to the peer",
    },
    ParamDoc {
        field: "graylist_threshold",
        label: "graylist threshold",
        kind: ParamKind::Float { min: -1e9, max: 0.0 },
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Score Thresholds; −16000 as in Lighthouse (Ethereum)",
        help: "below it everything the peer sends is ignored",
    },
    ParamDoc {
        field: "accept_px_threshold",
        label: "accept PX threshold",
        kind: ParamKind::Float { min: 0.0, max: 1e9 },
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Score Thresholds; 100 as in Lighthouse (Ethereum)",
        help: "a PRUNE's peer exchange is followed only from a peer scoring at least this (the bootstrappers)",
    },
    ParamDoc {
        field: "opportunistic_graft_threshold",
        label: "opportunistic graft threshold",
        kind: ParamKind::Float { min: 0.0, max: 1e9 },
        unit: "",
        source: "libp2p gossipsub-v1.1.md, Opportunistic Grafting; 5 as in Lighthouse (Ethereum)",
        help: "when the mesh's median score is below it, graft two peers scoring above the median",
    },
    ParamDoc {
        field: "opportunistic_graft_ticks",
        label: "opportunistic graft period",
        kind: ParamKind::Int { min: 1, max: 10_000 },
        unit: "heartbeats",
        source: "libp2p gossipsub-v1.1.md, Opportunistic Grafting; 60 in go-libp2p-pubsub",
        help: "heartbeats between opportunistic grafting checks",
    },
    ParamDoc {
        field: "time_in_mesh_weight",
        label: "P1 weight (time in mesh)",
        kind: ParamKind::Float { min: 0.0, max: 1000.0 },
        unit: "per s",
        source: SCORE,
        help: "score per second a peer has been in the mesh (capped at an hour)",
    },
    ParamDoc {
        field: "first_deliveries_weight",
        label: "P2 weight (first deliveries)",
        kind: ParamKind::Float { min: 0.0, max: 1000.0 },
        unit: "",
        source: SCORE,
        help: "score per message the peer was first to deliver (decaying, capped at 100)",
    },
    ParamDoc {
        field: "mesh_deliveries_weight",
        label: "P3 weight (mesh delivery deficit)",
        kind: ParamKind::Float { min: -1e6, max: 0.0 },
        unit: "",
        source: SCORE,
        help: "score per squared shortfall of a mesh peer's deliveries below the threshold",
    },
    ParamDoc {
        field: "mesh_deliveries_threshold",
        label: "P3 threshold",
        kind: ParamKind::Float { min: 0.0, max: 1000.0 },
        unit: "messages",
        source: SCORE,
        help: "decayed count of deliveries expected of a mesh peer",
    },
    ParamDoc {
        field: "mesh_deliveries_activation_ms",
        label: "P3 activation",
        kind: ParamKind::Float { min: 0.0, max: 3_600_000.0 },
        unit: "ms",
        source: SCORE,
        help: "time a peer has been in the mesh before its deficit counts",
    },
    ParamDoc {
        field: "mesh_deliveries_window_ms",
        label: "P3 window",
        kind: ParamKind::Float { min: 0.0, max: 10_000.0 },
        unit: "ms",
        source: "libp2p gossipsub-v1.1.md, P₃ (MeshMessageDeliveriesWindow, a few ms there); 500 ms here, \
                 where links take tens of ms and paths differ by a few hops",
        help: "how late after the first copy a mesh peer's duplicate still counts as its delivery",
    },
    ParamDoc {
        field: "mesh_failure_weight",
        label: "P3b weight (mesh failure)",
        kind: ParamKind::Float { min: -1e6, max: 0.0 },
        unit: "",
        source: SCORE,
        help: "score per squared deficit a peer had when it left the mesh (sticky, decaying)",
    },
    ParamDoc {
        field: "app_specific_weight",
        label: "P5 weight (bootstrappers)",
        kind: ParamKind::Float { min: 0.0, max: 1e6 },
        unit: "",
        source: "libp2p gossipsub-v1.1.md, P₅ (application-specific); here the application scores the \
                 well-known nodes (the contacts) 1, so their PX is accepted",
        help: "score of a well-known node (a workload sender, the joiners' contact)",
    },
    ParamDoc {
        field: "behaviour_penalty_weight",
        label: "P7 weight (behaviour)",
        kind: ParamKind::Float { min: -1e6, max: 0.0 },
        unit: "",
        source: SCORE,
        help: "score per squared penalty past 6 (broken IWANT promises, GRAFT during backoff)",
    },
    HEADER_BYTES,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashing_parameters_are_clamped_to_the_specs_constraints() {
        let odd = GossipsubConfig {
            d: 3,
            d_score: 9,
            mcache_gossip: 9,
            publish_threshold: 0.0,
            graylist_threshold: 0.0,
            ..GossipsubConfig::default()
        };
        let e = odd.effective();
        assert_eq!((e.d_lo, e.d, e.d_hi, e.d_score, e.d_out, e.mcache_gossip), (3, 3, 12, 3, 1, 5));
        assert_eq!((e.gossip_threshold, e.publish_threshold, e.graylist_threshold), (-4000.0, -4000.0, -4000.0));
        assert_eq!(GossipsubConfig::default().effective(), GossipsubConfig::default());
    }
}
