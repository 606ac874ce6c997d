//! Peer scoring (gossipsub-v1.1.md, "Peer Scoring"): the counters a node keeps for each peer,
//! the score they add up to, and their decay.
//!
//! For the one topic, score = w₁P₁ + w₂P₂ + w₃P₃ + w₃ᵦP₃ᵦ + w₄P₄ (the topic's weight is 1)
//! + w₅P₅ + w₇P₇ ("The Score Function"):
//!
//! - P₁, time in mesh: seconds since the peer was grafted, capped at an hour;
//! - P₂, first message deliveries: messages the peer was first to deliver, decaying, capped;
//! - P₃, mesh message delivery deficit: once the peer has been in the mesh for the activation
//!   time, (threshold − deliveries)² when its decayed count of deliveries (first, or a duplicate
//!   within the window) is below the threshold, else 0;
//! - P₃ᵦ, mesh failure penalty: the deficit² a peer had when it left the mesh, decaying;
//! - P₄, invalid messages: left out, as no message is invalid in these runs (its term,
//!   w₄P₄², would always be 0);
//! - P₅, application-specific: 1 for the well-known nodes (the workload's senders, the
//!   joiners' contacts), the application's trust in its bootstrappers, 0 for others;
//! - P₆, IP colocation: left out (the simulated nodes have no addresses);
//! - P₇, behaviour penalty: (penalties − 6)² past 6, penalties counting broken IWANT promises
//!   and GRAFTs during a backoff.
//!
//! Every counter decays once per heartbeat (the decay interval) by its factor below, and drops
//! to 0 under 0.01 (DecayToZero), as "Topic Parameter Calculation and Decay" describes.

use super::GossipsubConfig;
use crate::time::SimDuration;

/// P₂'s decay per heartbeat: a first delivery counts for about 20 s.
pub const FIRST_DECAY: f32 = 0.9;
/// P₂'s cap.
pub const FIRST_CAP: f32 = 100.0;
/// P₃'s counter's decay per heartbeat: slow (half-life 23 s), so that an honest mesh peer keeps
/// its credit through a quiet minute.
pub const MESH_DECAY: f32 = 0.97;
/// P₃'s counter's cap.
pub const MESH_CAP: f32 = 100.0;
/// P₃ᵦ's decay per heartbeat.
pub const FAILURE_DECAY: f32 = 0.97;
/// P₇'s decay per heartbeat.
pub const BEHAVIOUR_DECAY: f32 = 0.9;
/// Penalties P₇ tolerates before it counts.
pub const BEHAVIOUR_THRESHOLD: f32 = 6.0;
/// P₁'s quantum and cap, in seconds.
pub const TIME_IN_MESH_CAP_S: f64 = 3600.0;
/// Counters below this decay to zero (DecayToZero).
pub const DECAY_TO_ZERO: f32 = 0.01;

/// What a node counts of one peer.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counters {
    /// P₂: first deliveries, decayed.
    pub first: f32,
    /// P₃'s deliveries in the mesh, decayed.
    pub mesh: f32,
    /// P₃ᵦ: the mesh failure penalty, decayed.
    pub failure: f32,
    /// P₇: behaviour penalties, decayed.
    pub behaviour: f32,
}

fn decayed(x: f32, factor: f32) -> f32 {
    let y = x * factor;
    if y < DECAY_TO_ZERO {
        0.0
    } else {
        y
    }
}

impl Counters {
    /// One decay interval.
    pub fn decay(&mut self) {
        self.first = decayed(self.first, FIRST_DECAY);
        self.mesh = decayed(self.mesh, MESH_DECAY);
        self.failure = decayed(self.failure, FAILURE_DECAY);
        self.behaviour = decayed(self.behaviour, BEHAVIOUR_DECAY);
    }

    /// The peer was first to deliver a message (`in_mesh`: it is a mesh peer).
    pub fn first_delivery(&mut self, in_mesh: bool) {
        self.first = (self.first + 1.0).min(FIRST_CAP);
        if in_mesh {
            self.near_first_delivery();
        }
    }

    /// A mesh peer delivered a message first or within the window after the first copy.
    pub fn near_first_delivery(&mut self) {
        self.mesh = (self.mesh + 1.0).min(MESH_CAP);
    }

    /// P₃'s deficit for a peer in the mesh for `in_mesh` (`None`: not in the mesh): the
    /// shortfall below the threshold once active, else 0.
    pub fn deficit(&self, in_mesh: Option<SimDuration>, config: &GossipsubConfig) -> f64 {
        self.deficit_after(in_mesh, SimDuration::from_ms_f64(config.mesh_deliveries_activation_ms), config)
    }

    /// [`Counters::deficit`] with P₃'s activation time given (the node computes it once).
    pub fn deficit_after(&self, in_mesh: Option<SimDuration>, activation: SimDuration, config: &GossipsubConfig) -> f64 {
        match in_mesh {
            Some(t) if t >= activation => (config.mesh_deliveries_threshold - f64::from(self.mesh)).max(0.0),
            _ => 0.0,
        }
    }

    /// The peer leaves the mesh after `in_mesh` in it: its deficit² becomes a sticky penalty
    /// (P₃ᵦ).
    pub fn leave_mesh(&mut self, in_mesh: SimDuration, config: &GossipsubConfig) {
        let d = self.deficit(Some(in_mesh), config);
        self.failure += (d * d) as f32;
    }

    /// The score: `in_mesh` how long the peer has been in the mesh (`None`: not in it),
    /// `well_known` whether the application trusts it (P₅).
    pub fn score(&self, in_mesh: Option<SimDuration>, well_known: bool, config: &GossipsubConfig) -> f64 {
        self.score_after(in_mesh, well_known, SimDuration::from_ms_f64(config.mesh_deliveries_activation_ms), config)
    }

    /// [`Counters::score`] with P₃'s activation time given (the node computes it once: it
    /// took a float rounding per score, and a node scores a peer at every packet it reads).
    pub fn score_after(&self, in_mesh: Option<SimDuration>, well_known: bool, activation: SimDuration, config: &GossipsubConfig) -> f64 {
        let p1 = in_mesh.map_or(0.0, |t| (t.as_ms_f64() / 1000.0).min(TIME_IN_MESH_CAP_S));
        let p3 = self.deficit_after(in_mesh, activation, config).powi(2);
        let p5 = if well_known { 1.0 } else { 0.0 };
        let excess = f64::from((self.behaviour - BEHAVIOUR_THRESHOLD).max(0.0));
        config.time_in_mesh_weight * p1
            + config.first_deliveries_weight * f64::from(self.first)
            + config.mesh_deliveries_weight * p3
            + config.mesh_failure_weight * f64::from(self.failure)
            + config.app_specific_weight * p5
            + config.behaviour_penalty_weight * excess * excess
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> SimDuration {
        SimDuration::from_ms(1000 * s)
    }

    #[test]
    fn a_silent_mesh_peer_turns_negative_once_active_and_keeps_a_penalty_when_pruned() {
        let config = GossipsubConfig::default();
        let mut c = Counters::default();
        assert_eq!(c.score(Some(secs(4)), false, &config), 0.04, "P1 only before activation");
        let active = c.score(Some(secs(5)), false, &config);
        assert!((active - (0.05 - 20.0)).abs() < 1e-9, "deficit 1, squared, times −20: {active}");
        c.leave_mesh(secs(5), &config);
        assert_eq!(c.failure, 1.0);
        assert_eq!(c.score(None, false, &config), -20.0, "P3b sticks after the prune");
        c.near_first_delivery();
        assert_eq!(c.deficit(Some(secs(9)), &config), 0.0, "one delivery meets the threshold");
    }

    #[test]
    fn counters_decay_to_zero_and_first_deliveries_are_capped() {
        let mut c = Counters { first: 0.011, ..Counters::default() };
        c.decay();
        assert_eq!(c.first, 0.0, "below DecayToZero");
        for _ in 0..150 {
            c.first_delivery(true);
        }
        assert_eq!((c.first, c.mesh), (FIRST_CAP, MESH_CAP));
    }

    #[test]
    fn behaviour_counts_past_its_threshold_squared() {
        let config = GossipsubConfig::default();
        let c = Counters { behaviour: 9.0, ..Counters::default() };
        assert_eq!(c.score(None, false, &config), -9.0);
        assert_eq!(c.score(None, true, &config), 200.0 - 9.0, "P5 for a well-known node");
    }
}
