//! The overlay the page draws ([`Simulation::overlay`]): gossip over Cyclon reports each node's
//! partial view as active links, exactly the view the inspector lists; flat protocols report
//! none; and reading the overlay is read-only (the trace hash does not move).

mod common;

use mcast::engine::{NodeState, Simulation};
use mcast::protocol::{OverlayEdge, OverlayLink};
use mcast::protocols::centralized::CentralizedConfig;
use mcast::protocols::gossip::{GossipConfig, Peers};
use mcast::scenario::{FaultSpec, Scenario};
use mcast::time::SimTime;

/// Push-pull gossip over Cyclon views of `view` entries in a group of `n`, three messages, node
/// 7 crashing at 300 ms.
fn cyclon(n: u32, view: u32) -> Scenario {
    let config =
        GossipConfig { peers: Peers::Cyclon, view_size: view, shuffle_period_ms: 100.0, ..GossipConfig::default() };
    let mut s =
        Scenario { workload: common::messages(3, 1000, 100.0), duration_ms: 2000.0, ..common::scenario(n, config) };
    s.faults = vec![FaultSpec::Crash { at_ms: 300.0, node: 7 }];
    s
}

fn build(s: &Scenario) -> Box<dyn Simulation> {
    mcast::engine::build(s).unwrap_or_else(|e| panic!("{e}"))
}

/// Each up node's links are its Cyclon view, in the view's order, all active; a crashed node has
/// none.
#[test]
fn gossip_over_cyclon_reports_each_view_as_active_links() {
    let s = cyclon(200, 8);
    let mut sim = build(&s);
    let mut edges = Vec::new();
    let mut states = Vec::new();
    for t in [0, 150, 450, 1200] {
        sim.run_until(SimTime::from_ms(t));
        sim.overlay(&mut edges);
        sim.node_states(&mut states);
        assert!(!edges.is_empty(), "at {t} ms");
        assert!(edges.windows(2).all(|w| w[0].from <= w[1].from), "node by node, at {t} ms");
        for n in 0..200 {
            let mine: Vec<&OverlayEdge> = edges.iter().filter(|e| e.from == n).collect();
            if states[n as usize] == NodeState::Crashed {
                assert!(mine.is_empty(), "crashed node {n} at {t} ms: {mine:?}");
                continue;
            }
            let view = sim.inspect(n).unwrap().description.linked("view").map(<[u32]>::to_vec).unwrap_or_default();
            let linked: Vec<u32> = mine.iter().map(|e| e.to).collect();
            assert_eq!(linked, view, "node {n} at {t} ms");
            assert!(mine.iter().all(|e| e.link == OverlayLink::Active && e.to != n), "node {n}: {mine:?}");
            assert!(mine.len() <= 8, "node {n}: {} links", mine.len());
        }
    }
    assert_eq!(states[7], NodeState::Crashed, "the fault ran");
}

/// Gossip over the whole membership and centralized multicast have no overlay to draw.
#[test]
fn flat_protocols_report_no_overlay() {
    let mut edges = vec![OverlayEdge { from: 0, to: 1, link: OverlayLink::Mesh }];
    for s in [common::scenario(50, GossipConfig::default()), common::scenario(50, CentralizedConfig::default())] {
        let mut sim = build(&s);
        sim.run_until(SimTime::from_ms(200));
        sim.overlay(&mut edges);
        assert!(edges.is_empty(), "{}: {edges:?}", s.protocol.label());
    }
}

/// Reading the overlay every 50 ms of a run changes nothing in it: the same trace hash as a run
/// that never reads it.
#[test]
fn reading_the_overlay_leaves_the_trace_unchanged() {
    let s = cyclon(300, 20);
    let mut read = build(&s);
    let mut edges = Vec::new();
    for k in 0..=40 {
        read.run_until(SimTime::from_ms(50 * k));
        read.overlay(&mut edges);
    }
    read.run_to_end();
    let mut plain = build(&s);
    plain.run_to_end();
    assert_eq!(read.trace_hash(), plain.trace_hash());
}
