//! GossipSub when peers crash: a node learns that a mesh peer is gone the way a libp2p router
//! does, from its connection (the transport reports the peer unreachable
//! `network.transport_timeout_ms` after a send to it, `Protocol::TRANSPORT_FAILURES`), drops it
//! from its mesh, and the next heartbeat grafts a live peer in its place; messages published
//! after the crash reach every live node. Every assertion message names its seed.

mod common;

use mcast::engine;
use mcast::protocol::{OverlayEdge, OverlayLink};
use mcast::protocols::gossipsub::GossipsubConfig;
use mcast::scenario::{FaultSpec, NetworkSpec, Scenario};
use mcast::time::SimTime;

/// Nodes, publishers among them (every tenth), and when a fifth of the others crash at once.
const N: u32 = 200;
const CRASH_MS: f64 = 4_000.0;

/// Every fifth node that does not publish: 36 of the 180 non-publishers.
fn crashed() -> Vec<u32> {
    (0..N).filter(|n| n % 10 != 0 && n % 5 == 2).collect()
}

/// `N` nodes, ten publishers sending a message each second from 3 s to 11 s, 1 % loss; a fifth
/// of the non-publishers crash at [`CRASH_MS`].
fn scenario(seed: u64) -> Scenario {
    let network =
        NetworkSpec { latency_ms: 5.0, distance_ms: 40.0, jitter_ms: 2.0, loss: 0.01, ..NetworkSpec::default() };
    let workload = mcast::scenario::WorkloadSpec {
        start_ms: 3000.0,
        senders: Some((0..10).map(|k| k * (N / 10)).collect()),
        ..common::messages(9, 1000, 1000.0)
    };
    let faults = crashed().into_iter().map(|node| FaultSpec::Crash { at_ms: CRASH_MS, node }).collect();
    Scenario {
        seed,
        network,
        workload,
        faults,
        duration_ms: 14_000.0,
        ..common::scenario(N, GossipsubConfig::default())
    }
}

/// Mesh links from live nodes to crashed ones at `t_ms`.
fn dead_mesh_links(s: &Scenario, t_ms: u64) -> usize {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("seed {}: {e}", s.seed));
    sim.run_until(SimTime::from_ms(t_ms));
    let mut edges: Vec<OverlayEdge> = Vec::new();
    sim.overlay(&mut edges);
    let dead = crashed();
    edges.iter().filter(|e| e.link == OverlayLink::Mesh && dead.contains(&e.to)).count()
}

#[test]
fn crashed_peers_leave_every_mesh_within_a_timeout_and_two_heartbeats() {
    // Before the crash about 300 mesh links lead to the nodes that will crash (36 nodes of mesh
    // degree about 8). A live node sends to each mesh peer at least each heartbeat (IHAVE
    // gossip, forwards, or the heartbeat's own GRAFT/PRUNE), so within a heartbeat (1 s) plus the
    // transport time-out (500 ms) it has heard of every dead peer. Without the transport's
    // report (before this test) about 245 of them were still there 2.5 s after the crash.
    for seed in 1..=3 {
        let s = scenario(seed);
        let before = dead_mesh_links(&s, CRASH_MS as u64 - 1);
        assert!(before > 200, "seed {seed}: the doomed nodes are in the meshes first ({before} links)");
        let after = dead_mesh_links(&s, CRASH_MS as u64 + 500 + 2_000);
        assert_eq!(after, 0, "seed {seed}: {after} mesh links still lead to crashed nodes");
    }
}

#[test]
fn every_message_reaches_every_live_node_through_the_crash() {
    for seed in 1..=3 {
        let (r, _) = common::run(&scenario(seed));
        assert_eq!(r.deliveries, r.expected_deliveries, "seed {seed}: every owed delivery is made");
    }
}
