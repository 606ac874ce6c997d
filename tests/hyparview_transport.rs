//! The kernel's transport failures (the piece HyParView asks for): a protocol that asks
//! (`Protocol::TRANSPORT_FAILURES`) hears `Unreachable(to)` exactly the transport timeout after
//! it sends to a node that is not up, or that crashes before the packet arrives; a protocol that
//! does not ask never does, and a send to a live node reports nothing.

use mcast::engine;
use mcast::protocol::{Context, GroupInfo, Input, MemberChange, MsgId, NodeId, PacketKind, Protocol, Wire};
use mcast::scenario::Scenario;
use mcast::sim::world::World;
use mcast::time::SimDuration;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Poke;

impl Wire for Poke {
    fn kind(&self) -> PacketKind {
        PacketKind::Neighbor
    }
    fn bytes(&self) -> u32 {
        40
    }
    fn msg(&self) -> Option<MsgId> {
        None
    }
}

/// Node 0 pokes node 1 at each of [`POKES_MS`] and records what it hears.
#[derive(Clone, Debug, Default)]
struct Poker<const ASKS: bool> {
    heard: Vec<(u64, MemberChange)>,
}

impl<const ASKS: bool> Protocol for Poker<ASKS> {
    type Msg = Poke;
    type Timer = ();
    type Config = ();
    const TRANSPORT_FAILURES: bool = ASKS;

    fn describe_timer(&self, _timer: &()) -> String {
        "a timer of this test protocol".to_string()
    }

    fn new(_me: NodeId, _group: &GroupInfo, _config: &()) -> Self {
        Poker { heard: Vec::new() }
    }

    fn handle(&mut self, input: Input<Poke, ()>, cx: &mut Context<'_, Poke, ()>) {
        match input {
            Input::Start if cx.me() == 0 => {
                for at in POKES_MS {
                    cx.set_timer(SimDuration::from_ms(at), ());
                }
            }
            Input::Timer(()) => cx.send(1, Poke),
            Input::Membership(change) => self.heard.push((cx.now().0 / 1000, change)),
            _ => {}
        }
    }
}

/// When node 0 pokes node 1: before its crash (it arrives), 30 ms before the crash (it would
/// arrive after it: latency 5 ms + 40 ms per unit of distance, nodes far apart), and after it.
const POKES_MS: [u64; 3] = [100, 970, 1500];

fn run<P: Protocol<Config = ()>>(timeout_ms: Option<u64>) -> World<P> {
    let timeout = timeout_ms.map_or(String::new(), |t| format!(r#", "transport_timeout_ms": {t}"#));
    let json = format!(
        r#"{{"version": 2, "name": "transport", "seed": 1,
            "group": {{"size": 2, "sender": 0, "positions": [[0.0, 0.0], [1.0, 1.0]]}},
            "network": {{"latency_ms": 5, "distance_ms": 40, "jitter_ms": 0{timeout}}},
            "protocol": {{"kind": "gossip"}},
            "faults": [{{"kind": "crash", "at_ms": 1000, "node": 1}}],
            "duration_ms": 5000}}"#
    );
    let s = Scenario::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    let mut w = World::<P>::new(engine::setup(&s).expect("valid"), &());
    w.run_to_end();
    w
}

#[test]
fn a_sender_that_asks_hears_of_each_send_to_a_node_not_up_after_the_timeout() {
    let w = run::<Poker<true>>(None);
    // The default timeout, 500 ms: the poke at 970 ms would arrive after the 1,000 ms crash.
    let unreachable = |ms| (ms, MemberChange::Unreachable(1));
    assert_eq!(w.node(0).heard, [unreachable(970 + 500), unreachable(1500 + 500)]);
    let w = run::<Poker<true>>(Some(200));
    assert_eq!(w.node(0).heard, [unreachable(970 + 200), unreachable(1500 + 200)]);
}

#[test]
fn a_sender_that_does_not_ask_hears_nothing_and_runs_as_before() {
    let plain = run::<Poker<false>>(None);
    assert!(plain.node(0).heard.is_empty());
    // The timeout changes nothing in a run whose protocol does not ask.
    assert_eq!(plain.trace_hash(), run::<Poker<false>>(Some(200)).trace_hash());
}
