//! What a GossipSub node says of itself for the inspector, beyond its mesh: what its next
//! heartbeat will do, and which of its peers score worst.

use super::Gossipsub;
use crate::protocol::{msg_list, NodeId};

/// How many of the worst-scoring peers the inspector names.
const WORST_SHOWN: usize = 3;

impl Gossipsub {
    /// The next heartbeat in words: the mesh repair it will make (graft below D_lo, prune above
    /// D_hi) and the IHAVE gossip it will send.
    pub(super) fn heartbeat_words(&self) -> String {
        if self.left {
            return "heartbeat: it has left the topic, so it does nothing".to_string();
        }
        let c = &self.setup.config;
        let n = self.mesh_len() as u32;
        let others = (self.peers.len() as u32).saturating_sub(n);
        let mesh = if n < c.d_lo && others == 0 {
            format!("its mesh of {n} is below its minimum of {}, but it has no other peer to graft", c.d_lo)
        } else if n < c.d_lo {
            let k = (c.d - n).min(others);
            format!("graft up to {k} peer(s): its mesh of {n} is below its minimum of {}", c.d_lo)
        } else if n > c.d_hi {
            format!("prune {} peer(s): its mesh of {n} is above its maximum of {}", n - c.d, c.d_hi)
        } else {
            format!("keep its mesh of {n} (between {} and {})", c.d_lo, c.d_hi)
        };
        let ids = self.mcache.gossip_ids();
        let eligible = (0..self.peers.len())
            .filter(|&i| {
                self.peers.get(i).is_some_and(|p| !p.in_mesh()) && self.score_at(i, self.last_now) >= c.gossip_threshold
            })
            .count();
        let targets = (c.d_lazy as usize).max((c.gossip_factor * eligible as f64).ceil() as usize).min(eligible);
        let gossip = match (ids.is_empty(), targets) {
            (true, _) => "no IHAVE (no recent message to announce)".to_string(),
            (false, 0) => "no IHAVE (no peer outside the mesh to tell)".to_string(),
            (false, k) => format!("IHAVE {} to {k} random peer(s) outside the mesh", msg_list(&ids)),
        };
        let decay = if c.scoring { "decay the peer scores; " } else { "" };
        format!("heartbeat: {decay}{mesh}; {gossip}")
    }

    /// Its lowest-scoring peers, worst first, as "node: score" (at most [`WORST_SHOWN`]); empty
    /// without scoring.
    pub(super) fn worst_scores(&self) -> String {
        if !self.setup.config.scoring {
            return String::new();
        }
        let mut scored: Vec<(f64, NodeId)> =
            (0..self.peers.len()).filter_map(|i| Some((self.score_at(i, self.last_now), self.peers.get(i)?.id))).collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let shown: Vec<String> = scored.iter().take(WORST_SHOWN).map(|(s, n)| format!("node {n}: {s:.2}")).collect();
        shown.join(", ")
    }
}
