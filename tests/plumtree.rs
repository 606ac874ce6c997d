//! Plumtree through the kernel over a fixed overlay (a test layer that reports a circulant graph's
//! links as neighbours at the start, standing in for HyParView's stable active views): the tree
//! emerges from the first broadcast and every later broadcast sends exactly n − 1 payload packets
//! (RMR 0, Leitão et al. 2007 §4), against about (degree − 1) per node for eager push gossip.

use mcast::engine;
use mcast::protocol::{
    Context, Envelope, GroupInfo, Inner, Input, Layer, MemberChange, NodeId, Protocol, Stack, StackConfig,
};
use mcast::protocols::plumtree::{Plumtree, PlumtreeConfig};
use mcast::scenario::Scenario;
use mcast::sim::world::World;
use std::sync::Arc;

/// A fixed overlay: node i's neighbours are i ± 1 and i ± `chord` (mod n), degree 4, reported to
/// the inner protocol as `NeighborUp` when the node starts.
#[derive(Clone, Debug)]
struct StaticOverlay {
    me: NodeId,
    n: u32,
    chord: u32,
}

impl StaticOverlay {
    fn neighbors(&self) -> Vec<NodeId> {
        let (me, n) = (self.me, self.n);
        let mut v = vec![(me + 1) % n, (me + n - 1) % n, (me + self.chord) % n, (me + n - self.chord) % n];
        v.dedup();
        v
    }
}

impl Layer<Plumtree> for StaticOverlay {
    type Msg = Envelope<<Plumtree as Protocol>::Msg>;
    type Timer = Envelope<<Plumtree as Protocol>::Timer>;
    type Config = u32;

    fn describe_timer(&self, timer: &Self::Timer, inner: &Plumtree) -> String {
        inner.describe_timer(&timer.0)
    }

    fn new(me: NodeId, group: &GroupInfo, chord: &u32) -> Self {
        StaticOverlay { me, n: group.size, chord: *chord }
    }

    fn handle(
        &mut self,
        input: Input<Self::Msg, Self::Timer>,
        inner: &mut Inner<'_, Plumtree>,
        cx: &mut Context<'_, Self::Msg, Self::Timer>,
    ) {
        if input == Input::Start {
            for n in self.neighbors() {
                for o in inner.handle(Input::Membership(MemberChange::NeighborUp(n)), cx) {
                    cx.push(o.map(Envelope, Envelope));
                }
            }
        }
        for o in inner.handle(input.map(|m| m.0, |t| t.0), cx) {
            cx.push(o.map(Envelope, Envelope));
        }
    }
}

type Over = Stack<StaticOverlay, Plumtree>;

/// A network of `n` nodes on a disk (5 ms + up to 40 ms per link, jitter), `messages` broadcasts
/// from node 0, 500 ms apart. The scenario's protocol only sizes the run: the test runs its own.
fn scenario(n: u32, messages: u32) -> Scenario {
    let json = format!(
        r#"{{"version": 2, "name": "t", "seed": 3,
        "group": {{"size": {n}, "sender": 0, "layout": "disk"}},
        "network": {{"latency_ms": 5, "distance_ms": 40, "jitter_ms": 2}},
        "protocol": {{"kind": "gossip", "mode": "push", "spread": "once", "fanout": 4}},
        "workload": {{"messages": {messages}, "size_bytes": 1000, "interval_ms": 500, "start_ms": 100}},
        "duration_ms": {}}}"#,
        100 + 500 * messages + 2000
    );
    Scenario::from_json(&json).expect("a valid scenario")
}

/// Runs `n` nodes with `messages` broadcasts; returns the world at its end.
fn run(n: u32, messages: u32, config: PlumtreeConfig) -> World<Over> {
    let s = scenario(n, messages);
    let config = StackConfig { layer: 31, inner: Arc::new(config) };
    let mut w = World::<Over>::new(engine::setup(&s).expect("setup"), &config);
    w.run_to_end();
    w
}

fn gossips(w: &World<Over>) -> u64 {
    w.report().packets["gossip"]
}

/// (gossips of the first broadcast, gossips of all eleven, the eleven's world) for `n` nodes.
fn first_and_eleven(n: u32, config: PlumtreeConfig) -> (u64, u64, World<Over>) {
    let one = run(n, 1, config.clone());
    let eleven = run(n, 11, config);
    (gossips(&one), gossips(&eleven), eleven)
}

#[test]
fn after_the_first_broadcast_each_sends_exactly_n_minus_1_payload_packets() {
    let n = 1000;
    let plain = PlumtreeConfig { optimize: false, ..PlumtreeConfig::default() };
    for (config, name) in [(plain, "without the optimization"), (PlumtreeConfig::default(), "with it")] {
        let (first, all, w) = first_and_eleven(n, config.clone());
        let r = w.report();
        assert_eq!((r.delivered_ratio, r.broadcast.reliability_min), (1.0, Some(1.0)), "{name}");
        // The first broadcast floods every link (both ways, less the link it came on) and prunes.
        assert!(first > 2 * u64::from(n), "{name}: the first broadcast floods: {first}");
        assert_eq!(all - first, 10 * u64::from(n - 1), "{name}: each later broadcast, one per receiver");
        // The tree: every node but the origin has an eager upstream.
        let parents = (1..n).filter(|&i| w.node(i).upstream().is_some()).count();
        assert_eq!(parents, (n - 1) as usize, "{name}");
        if !config.optimize {
            assert_eq!(r.packets["graft"], 0, "a stable tree needs no repair");
        }
    }
}

#[test]
fn the_optimization_shortens_the_tree() {
    // On this overlay the first-arrival tree (by latency) is 30 hops deep; lazy links 7 hops
    // shorter replace tree links (GRAFT with no message, PRUNE), and the last delivery hop falls.
    let off = run(1000, 11, PlumtreeConfig { optimize: false, ..PlumtreeConfig::default() }).report();
    let on = run(1000, 11, PlumtreeConfig::default()).report();
    let (ldh_off, ldh_on) = (off.broadcast.last_delivery_hop.unwrap(), on.broadcast.last_delivery_hop.unwrap());
    assert!(on.packets["graft"] > 0, "the optimization swapped no link");
    assert!(ldh_on < ldh_off, "last delivery hop {ldh_on} with the optimization, {ldh_off} without");
}

#[test]
fn eager_push_gossip_sends_about_degree_minus_1_per_node_per_broadcast() {
    let n = 1000;
    let w = run(n, 5, PlumtreeConfig { lazy_push: false, ..PlumtreeConfig::default() });
    let r = w.report();
    assert_eq!(r.delivered_ratio, 1.0);
    // Flooding over a 4-regular overlay: the origin sends 4, every other node 3 (degree − 1).
    assert_eq!(gossips(&w), 5 * (4 + 3 * u64::from(n - 1)));
    let rmr = r.rmr.expect("messages reached receivers");
    assert!((rmr - (4.0 + 3.0 * 999.0) / 999.0 + 1.0).abs() < 1e-9, "RMR {rmr}");
    assert_eq!(r.packets["ihave"] + r.packets["prune"], 0);
}

#[test]
fn the_same_run_twice_gives_the_same_trace() {
    let a = run(300, 3, PlumtreeConfig::default());
    let b = run(300, 3, PlumtreeConfig::default());
    assert_eq!(a.trace_hash(), b.trace_hash());
}
