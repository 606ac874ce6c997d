//! What the HyParView tests share: a plain flood over the active view (the test-only inner
//! protocol that forwards the first copy of each message to every neighbour it heard of through
//! `NeighborUp`), and runs of a scenario under HyParView with it.

#![allow(dead_code)]

use mcast::engine;
use mcast::protocol::{
    Context, GroupInfo, Input, MemberChange, MsgId, NodeId, PacketKind, Protocol, Stack, StackConfig, Wire,
};
use mcast::protocols::hyparview::{HyParView, HyParViewConfig};
use mcast::scenario::Scenario;
use mcast::sim::world::World;
use std::collections::BTreeSet;

/// One flooded message on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flood {
    /// The message.
    pub id: MsgId,
    /// Its size.
    pub bytes: u32,
}

impl Wire for Flood {
    fn kind(&self) -> PacketKind {
        PacketKind::Gossip
    }
    fn bytes(&self) -> u32 {
        self.bytes
    }
    fn msg(&self) -> Option<MsgId> {
        Some(self.id)
    }
}

/// A node of the flood: its neighbours (as HyParView says) and the messages it has.
#[derive(Clone, Debug, Default)]
pub struct Flooder {
    neighbours: BTreeSet<NodeId>,
    seen: BTreeSet<MsgId>,
}

impl Flooder {
    /// The neighbours it heard of.
    pub fn neighbours(&self) -> &BTreeSet<NodeId> {
        &self.neighbours
    }

    fn spread(&mut self, id: MsgId, bytes: u32, except: Option<NodeId>, cx: &mut Context<'_, Flood, ()>) {
        if !self.seen.insert(id) {
            return;
        }
        cx.deliver(id);
        let to: Vec<NodeId> = self.neighbours.iter().copied().filter(|&n| Some(n) != except).collect();
        cx.multicast(to, Flood { id, bytes });
    }
}

impl Protocol for Flooder {
    type Msg = Flood;
    type Timer = ();
    type Config = ();

    fn describe_timer(&self, _timer: &()) -> String {
        "a timer of this test protocol".to_string()
    }

    fn new(_me: NodeId, _group: &GroupInfo, _config: &()) -> Flooder {
        Flooder::default()
    }

    fn handle(&mut self, input: Input<Flood, ()>, cx: &mut Context<'_, Flood, ()>) {
        match input {
            Input::Membership(MemberChange::NeighborUp(n)) => {
                self.neighbours.insert(n);
            }
            Input::Membership(MemberChange::NeighborDown(n)) => {
                self.neighbours.remove(&n);
            }
            Input::AppSend { id, bytes } => self.spread(id, bytes, None, cx),
            Input::Recv { from, msg } => self.spread(msg.id, msg.bytes, Some(from), cx),
            _ => {}
        }
    }
}

/// The stack the tests run.
pub type Node = Stack<HyParView, Flooder>;

/// A world running `s`'s workload and faults with HyParView (`config`) under the flood.
pub fn world(s: &Scenario, config: HyParViewConfig) -> World<Node> {
    let setup = engine::setup(s).expect("a valid scenario");
    World::<Node>::new(setup, &StackConfig { layer: config, inner: () })
}

/// A scenario of `size` nodes from JSON parts: `extra` is spliced into the top-level object.
pub fn scenario(size: u32, seed: u64, extra: &str) -> Scenario {
    let json = format!(
        r#"{{"version": 2, "name": "hyparview test", "seed": {seed},
            "group": {{"size": {size}, "sender": 0, "layout": "disk"}},
            "protocol": {{"kind": "gossip"}},
            "membership": {{"service": "hyparview"}},
            {extra}}}"#
    );
    Scenario::from_json(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// The up nodes' active views: `(node, its active view)`, in node order.
pub fn active_views(w: &World<Node>) -> Vec<(NodeId, Vec<NodeId>)> {
    let alive = w.alive();
    (0..alive.len() as NodeId)
        .filter(|&n| alive[n as usize])
        .map(|n| (n, w.node(n).layer().active().to_vec()))
        .collect()
}

/// The asymmetric links among up nodes: `(a, b)` with b in a's active view but a not in b's
/// (or b not up).
pub fn asymmetric(w: &World<Node>) -> Vec<(NodeId, NodeId)> {
    let alive = w.alive();
    let mut out = Vec::new();
    for (a, view) in active_views(w) {
        for &b in &view {
            let back = alive.get(b as usize).copied().unwrap_or(false) && w.node(b).layer().active().contains(&a);
            if !back {
                out.push((a, b));
            }
        }
    }
    out
}

/// How many connected components the up nodes form over their active views (links taken
/// both ways).
pub fn components(w: &World<Node>) -> usize {
    component_sizes(w).len()
}

/// The sizes of the components of up nodes, largest first.
pub fn component_sizes(w: &World<Node>) -> Vec<usize> {
    let alive = w.alive();
    let n = alive.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (a, view) in active_views(w) {
        for &b in &view {
            if alive.get(b as usize).copied().unwrap_or(false) {
                let (ra, rb) = (find(&mut parent, a as usize), find(&mut parent, b as usize));
                parent[ra] = rb;
            }
        }
    }
    let mut sizes = std::collections::BTreeMap::new();
    for x in (0..n).filter(|&x| alive[x]) {
        *sizes.entry(find(&mut parent, x)).or_insert(0usize) += 1;
    }
    let mut v: Vec<usize> = sizes.into_values().collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v
}
