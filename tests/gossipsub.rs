//! Tiers 2 to 4 for GossipSub v1.1: the mesh's degree after warm-up, complete delivery at a
//! bounded cost without attackers, and determinism. Every assertion message names its seed.

mod common;

use mcast::engine;
use mcast::protocol::{OverlayEdge, OverlayLink};
use mcast::protocols::gossipsub::GossipsubConfig;
use mcast::scenario::{NetworkSpec, Scenario};
use mcast::time::SimTime;

/// Publishers: ten nodes spread over the group, as a topic's publishers are (a beacon block's
/// proposer changes every slot). With one publisher, a mesh peer downstream of a node never
/// forwards to it, and P₃ would count it short.
fn publishers(n: u32) -> Vec<u32> {
    (0..10).map(|k| k * (n / 10)).collect()
}

/// `n` nodes, `messages` messages of 1000 bytes from each of ten publishers 1 s apart after a
/// 3 s warm-up, 1 % loss and links of 5 to 45 ms.
fn scenario(seed: u64, n: u32, messages: u32, config: GossipsubConfig) -> Scenario {
    let network =
        NetworkSpec { latency_ms: 5.0, distance_ms: 40.0, jitter_ms: 2.0, loss: 0.01, ..NetworkSpec::default() };
    let workload = mcast::scenario::WorkloadSpec {
        start_ms: 3000.0,
        senders: Some(publishers(n)),
        ..common::messages(messages, 1000, 1000.0)
    };
    Scenario { seed, network, workload, duration_ms: 12_000.0, ..common::scenario(n, config) }
}

/// Each node's mesh degree (its `Mesh` links) at `t`.
fn mesh_degrees(s: &Scenario, t_ms: u64) -> Vec<usize> {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    sim.run_until(SimTime::from_ms(t_ms));
    let mut edges: Vec<OverlayEdge> = Vec::new();
    sim.overlay(&mut edges);
    let mut degree = vec![0; s.group.size as usize];
    for e in edges.iter().filter(|e| e.link == OverlayLink::Mesh) {
        if let Some(d) = degree.get_mut(e.from as usize) {
            *d += 1;
        }
    }
    degree
}

#[test]
fn after_warm_up_every_mesh_degree_is_within_d_lo_and_d_hi() {
    let config = GossipsubConfig::default();
    for seed in 1..=3 {
        let s = scenario(seed, 500, 8, config.clone());
        for t in [4000, 6500, 9000, 11_900] {
            let degrees = mesh_degrees(&s, t);
            let out: Vec<(usize, &usize)> = degrees
                .iter()
                .enumerate()
                .filter(|(_, &d)| d < config.d_lo as usize || d > config.d_hi as usize)
                .collect();
            assert!(out.is_empty(), "seed {seed}, {t} ms: nodes outside [D_lo, D_hi]: {out:?}");
        }
    }
}

#[test]
fn without_attackers_delivery_is_complete_at_a_few_payloads_per_node() {
    for seed in 1..=3 {
        let s = scenario(seed, 1000, 8, GossipsubConfig::default());
        let (r, _) = common::run(&s);
        assert_eq!(r.delivered_ratio, 1.0, "seed {seed}");
        // Each node forwards each message once to its mesh but the peer it came from: mean mesh
        // degree − 1 copies, the degree between D_lo and D_hi and near D once the mesh is kept.
        // Flood publishing adds about 2 × connections copies per message (0.02 per node here),
        // IWANT answers one per copy the mesh lost. Measured: 6.47 to 6.56 (seeds 1 to 3).
        let d = f64::from(GossipsubConfig::default().d);
        let per = r.packets.get("gossip").copied().unwrap_or(0) as f64 / (1000.0 * 80.0);
        assert!((d - 2.0..=d + 1.0).contains(&per), "seed {seed}: {per:.2} payload packets per node and message");
    }
}

#[test]
fn the_same_seed_gives_the_same_trace_and_another_seed_another() {
    let run = |seed| common::run(&scenario(seed, 300, 10, GossipsubConfig::default())).0.trace_hash;
    assert_eq!(run(4), run(4), "seed 4");
    assert_ne!(run(4), run(5), "seeds 4 and 5");
}
